using LeadPlatform.Connectors.Alis;
using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.Connectors.Alis;

public class AlisTranslatorSpecs
{
    private static readonly Guid LeadId = Guid.Parse("0195a3c4-0000-7000-8000-000000000002");

    private static Lead SelfAssessor() => new()
    {
        Source = "roobrik",
        SourceLeadId = "r-2",
        AccountId = "sunrise",
        Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Walter", LastName = "Price", Email = "walter@example.com", Phone = "555-0111" },
        Survey = new Survey
        {
            Name = "Senior Living Fit",
            Outcome = "Memory Care",
            ReportText = "Walter would benefit from memory care.",
            ReportUrl = "https://r.example/2",
            Notes = "Prefers mornings",
            ContactPreference = "Phone",
        },
    };

    private static Lead OnBehalf(string relationship) => SelfAssessor() with
    {
        Prospect = new Person { FirstName = "Walter", LastName = "Price" },
        Contact = new Contact { FirstName = "Nora", LastName = "Price", Email = "nora@example.com", Phone = "555-0122", Relationship = relationship },
    };

    [Test]
    public void A_self_assessor_is_one_prospect_with_names_email_phone_and_source()
    {
        var plan = AlisTranslator.Translate(LeadId, SelfAssessor(), new AlisSettings { CommunityId = 7 });

        Assert.That(plan.MainContact, Is.Null);
        Assert.That(plan.Prospect.FirstName, Is.EqualTo("Walter"));
        Assert.That(plan.Prospect.LastName, Is.EqualTo("Price"));
        Assert.That(plan.Prospect.Email, Is.EqualTo("walter@example.com"));
        Assert.That(plan.Prospect.Phone, Is.EqualTo("555-0111"));
        Assert.That(plan.Prospect.Source, Is.EqualTo("Roobrik"));
        Assert.That(plan.Prospect.CommunityId, Is.EqualTo(7));
    }

    [Test]
    public void The_survey_goes_into_the_notes_custom_fields()
    {
        var fields = AlisTranslator.Translate(LeadId, SelfAssessor(), new AlisSettings()).Prospect.Notes!.CustomFields;

        Assert.That(fields, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["Survey Outcome"] = "Memory Care",
            ["Report Text"] = "Walter would benefit from memory care.",
            ["Report URL"] = "https://r.example/2",
            ["Notes"] = "Prefers mornings",
            ["Contact Preference"] = "Phone",
        }));
    }

    [Test]
    public void On_behalf_the_survey_takers_names_are_on_the_main_contact_and_email_and_phone_on_both()
    {
        var plan = AlisTranslator.Translate(LeadId, OnBehalf("my daughter"), new AlisSettings());

        Assert.That(plan.MainContact, Is.Not.Null);
        Assert.That(plan.MainContact!.FirstName, Is.EqualTo("Nora"));
        Assert.That(plan.MainContact.LastName, Is.EqualTo("Price"));
        Assert.That(plan.MainContact.IsMainContact, Is.True);
        Assert.That(plan.MainContact.Email, Is.EqualTo("nora@example.com"));
        Assert.That(plan.MainContact.Phone, Is.EqualTo("555-0122"));
        Assert.That(plan.Prospect.FirstName, Is.EqualTo("Walter"), "the prospect keeps their own name");
        Assert.That(plan.Prospect.Email, Is.EqualTo("nora@example.com"));
        Assert.That(plan.Prospect.Phone, Is.EqualTo("555-0122"));
        Assert.That(plan.MainContact.Relationship, Is.EqualTo("Daughter"));
        Assert.That(plan.MainContact.RelationshipRaw, Is.EqualTo("my daughter"));
    }

    [TestCase(new[] { "Son", "Daughter", "Unknown" }, "Unknown")]
    [TestCase(new[] { "Son", "Daughter", "Other" }, "Other")]
    [TestCase(new[] { "Child", "Other", "Unknown" }, "Unknown")]
    public void An_unmatched_relationship_is_the_accounts_general_value(string[] types, string expected)
    {
        var plan = AlisTranslator.Translate(LeadId, OnBehalf("mail carrier"), new AlisSettings { RelationshipTypes = [.. types] });

        Assert.That(plan.MainContact!.Relationship, Is.EqualTo(expected));
    }

    [Test]
    public void Each_lead_carries_its_own_references_so_a_lost_answer_can_be_looked_up()
    {
        var plan = AlisTranslator.Translate(LeadId, OnBehalf("son"), new AlisSettings());

        Assert.That(plan.Prospect.ReferenceId, Is.EqualTo($"lp:{LeadId:N}:prospect"));
        Assert.That(plan.MainContact!.ReferenceId, Is.EqualTo($"lp:{LeadId:N}:contact"));
    }
}
