using LeadPlatform.Connectors;

namespace LeadPlatform.UnitTests.Connectors;

/// <summary>
/// The phrasing table: what people write in a survey's "relationship" box, against three account lists. Roles that are
/// not family (power of attorney, guardian, case manager, clergy, neighbour...) never land on a family value: they find
/// the closest role the account has, else the account's own fallback.
/// </summary>
public class RelationshipPhrasingTableSpecs
{
    // Enquire's default list of broad kinds, "Other" as fallback.
    private static readonly string[] Enquire = ["Child", "Spouse", "Parent", "Sibling", "Relative", "Friend", "Professional", "Other"];
    // ALIS's default list: gendered children, "Power of Attorney", "Unknown" as its general value.
    private static readonly string[] Alis = ["Spouse", "Son", "Daughter", "Other Family", "Friend", "Power of Attorney", "Unknown"];
    // An ALIS account that keeps only family and friends: no Guardian, no Professional.
    private static readonly string[] AlisFamilyOnly = ["Spouse", "Son", "Daughter", "Other Family", "Friend", "Unknown"];

    // written | Enquire | ALIS | ALIS without roles
    private const string Table = """
        daughter                         | Child        | Daughter          | Daughter
        My daughter                      | Child        | Daughter          | Daughter
        I'm her son                      | Child        | Son               | Son
        Oldest son                       | Child        | Son               | Son
        step-daughter                    | Child        | Daughter          | Daughter
        only child                       | Child        | Son               | Son
        Daughter-in-law                  | Relative     | Other Family      | Other Family
        son inlaw                        | Relative     | Other Family      | Other Family
        wife                             | Spouse       | Spouse            | Spouse
        Domestic partner                 | Spouse       | Spouse            | Spouse
        significant other                | Spouse       | Spouse            | Spouse
        Life Partner                     | Spouse       | Spouse            | Spouse
        Mommy                            | Parent       | Other Family      | Other Family
        Step father                      | Parent       | Other Family      | Other Family
        father-in-law                    | Relative     | Other Family      | Other Family
        twin sister                      | Sibling      | Other Family      | Other Family
        Half brother                     | Sibling      | Other Family      | Other Family
        brother in law                   | Relative     | Other Family      | Other Family
        Grandkid                         | Relative     | Other Family      | Other Family
        Granny                           | Relative     | Other Family      | Other Family
        great niece                      | Relative     | Other Family      | Other Family
        Goddaughter                      | Relative     | Other Family      | Other Family
        extended family                  | Relative     | Other Family      | Other Family
        family caregiver                 | Relative     | Other Family      | Other Family
        daughter and caregiver           | Child        | Daughter          | Daughter
        Son (POA)                        | Child        | Son               | Son
        Daughter / POA                   | Child        | Daughter          | Daughter
        Power of Attorney                | Professional | Power of Attorney | Unknown
        POA                              | Professional | Power of Attorney | Unknown
        POA for my mother                | Professional | Power of Attorney | Unknown
        Durable Power of Attorney        | Professional | Power of Attorney | Unknown
        Health care proxy                | Professional | Power of Attorney | Unknown
        Medical POA                      | Professional | Power of Attorney | Unknown
        Guardian                         | Professional | Power of Attorney | Unknown
        Legal guardian                   | Professional | Power of Attorney | Unknown
        court appointed guardian         | Professional | Power of Attorney | Unknown
        Conservator                      | Professional | Power of Attorney | Unknown
        Trustee                          | Professional | Power of Attorney | Unknown
        executor of estate               | Professional | Power of Attorney | Unknown
        Attorney                         | Professional | Unknown           | Unknown
        Elder law attorney               | Professional | Unknown           | Unknown
        lawyer                           | Professional | Unknown           | Unknown
        Social Worker                    | Professional | Unknown           | Unknown
        hospital social worker           | Professional | Unknown           | Unknown
        Case manager                     | Professional | Unknown           | Unknown
        caseworker                       | Professional | Unknown           | Unknown
        Geriatric care manager           | Professional | Unknown           | Unknown
        Discharge planner                | Professional | Unknown           | Unknown
        Nurse                            | Professional | Unknown           | Unknown
        Physician                        | Professional | Unknown           | Unknown
        Placement agent                  | Professional | Unknown           | Unknown
        Senior advisor                   | Professional | Unknown           | Unknown
        Financial advisor                | Professional | Unknown           | Unknown
        Hospice                          | Professional | Unknown           | Unknown
        Ombudsman                        | Professional | Unknown           | Unknown
        Caregiver                        | Professional | Unknown           | Unknown
        Care giver                       | Professional | Unknown           | Unknown
        Caretaker                        | Professional | Unknown           | Unknown
        Home health aide                 | Professional | Unknown           | Unknown
        Private duty                     | Professional | Unknown           | Unknown
        CNA                              | Professional | Unknown           | Unknown
        Pastor                           | Professional | Unknown           | Unknown
        Priest                           | Professional | Unknown           | Unknown
        Rabbi                            | Professional | Unknown           | Unknown
        Chaplain                         | Professional | Unknown           | Unknown
        Friend                           | Friend       | Friend            | Friend
        Best friend                      | Friend       | Friend            | Friend
        friend of the family             | Friend       | Friend            | Friend
        family friend                    | Friend       | Friend            | Friend
        Neighbour                        | Friend       | Friend            | Friend
        next door neighbor               | Friend       | Friend            | Friend
        Church member                    | Friend       | Friend            | Friend
        roommate                         | Friend       | Friend            | Friend
        Ex-wife                          | Other        | Unknown           | Unknown
        former husband                   | Other        | Unknown           | Unknown
        Coworker                         | Other        | Unknown           | Unknown
        Landlord                         | Other        | Unknown           | Unknown
        Business partner                 | Other        | Unknown           | Unknown
        mail carrier                     | Other        | Unknown           | Unknown
        Myself                           | Other        | Unknown           | Unknown
        Looking for my mother            | Parent       | Other Family      | Other Family
        """;

    public static IEnumerable<TestCaseData> Rows() =>
        Table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => new TestCaseData(cells[0], cells[1], cells[2], cells[3]).SetArgDisplayNames(cells[0]));

    [Test]
    public void The_table_holds_at_least_sixty_real_world_phrasings() =>
        Assert.That(Rows().Count(), Is.GreaterThanOrEqualTo(60));

    [TestCaseSource(nameof(Rows))]
    public void A_phrasing_finds_the_closest_value_in_each_accounts_list(string written, string enquire, string alis, string alisFamilyOnly)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RelationshipMatcher.Match(written, Enquire, "Other"), Is.EqualTo(enquire), "Enquire list");
            Assert.That(RelationshipMatcher.Match(written, Alis, "Unknown"), Is.EqualTo(alis), "ALIS list");
            Assert.That(RelationshipMatcher.Match(written, AlisFamilyOnly, "Unknown"), Is.EqualTo(alisFamilyOnly), "ALIS list without roles");
        });
    }

    // Every family-only list shape a account might have: none may catch a role that is not family.
    private static readonly string[][] FamilyOnlyLists =
    [
        ["Child", "Spouse", "Parent", "Sibling", "Relative", "Other"],
        ["Son/Daughter", "Husband/Wife", "Family Member", "Other"],
        ["Family", "Other"],
        ["Relative", "In-law", "Grandchild", "Other"],
    ];

    [Test]
    public void No_role_that_is_not_family_ever_falls_back_into_a_family_value()
    {
        var roles = RelationshipMatcher.Phrasings.Where(p => !RelationshipMatcher.IsFamily(p.Concept)).ToList();
        Assert.That(roles, Has.Count.GreaterThan(60));
        Assert.Multiple(() =>
        {
            foreach (var list in FamilyOnlyLists)
            {
                foreach (var (phrase, _) in roles)
                {
                    Assert.That(RelationshipMatcher.Match(phrase, list, "Other"), Is.EqualTo("Other"), $"'{phrase}' in [{string.Join(", ", list)}]");
                }
            }
        });
    }

    [Test]
    public void A_relationship_list_without_guardian_or_professional_gives_power_of_attorney_the_accounts_fallback() =>
        Assert.That(RelationshipMatcher.Match("Power of Attorney", ["Child", "Spouse", "Relative", "Friend", "Unknown"], "Unknown"), Is.EqualTo("Unknown"));
}
