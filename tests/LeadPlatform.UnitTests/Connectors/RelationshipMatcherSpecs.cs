using LeadPlatform.Connectors;

namespace LeadPlatform.UnitTests.Connectors;

/// <summary>What people actually write in a survey's "relationship" box, against two real-looking account lists.</summary>
public class RelationshipMatcherSpecs
{
    // An Enquire-style list of broad kinds.
    private static readonly string[] Broad = ["Child", "Spouse", "Parent", "Sibling", "Relative", "Friend", "Professional", "Other"];
    // An ALIS-style list: gendered children, no sibling, parent or professional, "Unknown" as its general value.
    private static readonly string[] Gendered = ["Spouse", "Son", "Daughter", "Other Family", "Friend", "Power of Attorney", "Unknown"];

    [TestCase("daughter", "Child", "Daughter")]
    [TestCase("Daughter", "Child", "Daughter")]
    [TestCase("DAUGHTER", "Child", "Daughter")]
    [TestCase("my daughter", "Child", "Daughter")]
    [TestCase("Daughters", "Child", "Daughter")]
    [TestCase("I'm her son", "Child", "Son")]
    [TestCase("my son", "Child", "Son")]
    [TestCase("Son", "Child", "Son")]
    [TestCase("step-son", "Child", "Son")]
    [TestCase("Stepdaughter", "Child", "Daughter")]
    [TestCase("adult child", "Child", "Son")]
    [TestCase("Daughter-in-law", "Relative", "Other Family")]
    [TestCase("son in law", "Relative", "Other Family")]
    [TestCase("husband", "Spouse", "Spouse")]
    [TestCase("My Husband", "Spouse", "Spouse")]
    [TestCase("wife", "Spouse", "Spouse")]
    [TestCase("hubby", "Spouse", "Spouse")]
    [TestCase("partner", "Spouse", "Spouse")]
    [TestCase("Fiancé", "Spouse", "Spouse")]
    [TestCase("Mom", "Parent", "Other Family")]
    [TestCase("mother", "Parent", "Other Family")]
    [TestCase("Dad", "Parent", "Other Family")]
    [TestCase("Mother-in-law", "Relative", "Other Family")]
    [TestCase("sister", "Sibling", "Other Family")]
    [TestCase("brother", "Sibling", "Other Family")]
    [TestCase("Sister-in-law", "Relative", "Other Family")]
    [TestCase("granddaughter", "Relative", "Other Family")]
    [TestCase("Grandson", "Relative", "Other Family")]
    [TestCase("great granddaughter", "Relative", "Other Family")]
    [TestCase("niece", "Relative", "Other Family")]
    [TestCase("nephew", "Relative", "Other Family")]
    [TestCase("cousin", "Relative", "Other Family")]
    [TestCase("Aunt", "Relative", "Other Family")]
    [TestCase("friend", "Friend", "Friend")]
    [TestCase("friend/neighbor", "Friend", "Friend")]
    [TestCase("Neighbour", "Friend", "Friend")]
    [TestCase("family friend", "Friend", "Friend")]
    [TestCase("POA", "Professional", "Power of Attorney")]
    [TestCase("power of attorney", "Professional", "Power of Attorney")]
    [TestCase("Son (POA)", "Child", "Son")]
    [TestCase("social worker", "Professional", "Unknown")]
    [TestCase("Case Manager", "Professional", "Unknown")]
    [TestCase("discharge planner", "Professional", "Unknown")]
    [TestCase("mail carrier", "Other", "Unknown")]
    [TestCase("myself", "Other", "Unknown")]
    [TestCase("", "Other", "Unknown")]
    [TestCase(null, "Other", "Unknown")]
    public void A_written_relationship_finds_the_accounts_closest_value(string? written, string inBroad, string inGendered)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RelationshipMatcher.Match(written, Broad, "Other"), Is.EqualTo(inBroad), "broad list");
            Assert.That(RelationshipMatcher.Match(written, Gendered, "Unknown"), Is.EqualTo(inGendered), "gendered list");
        });
    }

    [TestCase("daughter", "Son/Daughter")]
    [TestCase("stepson", "Son/Daughter")]
    [TestCase("hubby", "Husband/Wife")]
    [TestCase("Daughter-in-law", "Son/Daughter")]
    [TestCase("grandma", "Other")]
    public void Values_naming_several_kinds_match_each_of_them(string written, string expected) =>
        Assert.That(RelationshipMatcher.Match(written, ["Son/Daughter", "Husband/Wife", "Other"], "Other"), Is.EqualTo(expected));

    [Test]
    public void An_empty_account_list_gives_the_fallback() =>
        Assert.That(RelationshipMatcher.Match("daughter", [], "Unknown"), Is.EqualTo("Unknown"));
}
