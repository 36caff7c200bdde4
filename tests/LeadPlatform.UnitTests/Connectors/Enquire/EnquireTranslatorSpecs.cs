using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.Connectors.Enquire;

public class EnquireTranslatorSpecs
{
    private static readonly Guid LeadId = Guid.Parse("0195a3c4-0000-7000-8000-000000000001");

    private static Lead SelfAssessor() => new()
    {
        Source = "roobrik",
        SourceLeadId = "r-1",
        AccountId = "acme-senior",
        Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = "edith@example.com", Phone = "555-0100" },
        Survey = new Survey { Name = "Senior Living Fit", Outcome = "Assisted Living", ReportUrl = "https://r.example/1", ReportText = "Report" },
    };

    [Test]
    public void A_self_assessor_becomes_one_prospect_with_names_email_phone()
    {
        var plan = EnquireTranslator.Translate(LeadId, SelfAssessor(), new EnquireSettings());

        Assert.That(plan.Contact, Is.Null);
        Assert.That(plan.Prospect.IndividualType, Is.EqualTo("Prospect"));
        Assert.That(plan.Prospect.FirstName, Is.EqualTo("Edith"));
        Assert.That(plan.Prospect.LastName, Is.EqualTo("Clark"));
        Assert.That(plan.Prospect.Email, Is.EqualTo("edith@example.com"));
        Assert.That(plan.Prospect.Phone, Is.EqualTo("555-0100"));
        Assert.That(plan.Prospect.MarketSource, Is.EqualTo("Roobrik"));
        Assert.That(plan.Prospect.SurveyData!["outcome"], Is.EqualTo("Assisted Living"));
        Assert.That(plan.Report!.Url, Is.EqualTo("https://r.example/1"));
    }

    [Test]
    public void A_survey_on_behalf_becomes_a_contact_with_relationship_and_the_survey_on_both()
    {
        var lead = SelfAssessor() with
        {
            Prospect = new Person { FirstName = "Edith", LastName = "Clark" },
            Contact = new Contact { FirstName = "Anne", LastName = "Clark", Email = "anne@example.com", Relationship = "my daughter" },
        };

        var plan = EnquireTranslator.Translate(LeadId, lead, new EnquireSettings { RelationshipTypes = ["Spouse", "Child", "Friend", "Other"] });

        Assert.That(plan.Contact, Is.Not.Null);
        Assert.That(plan.Contact!.IndividualType, Is.EqualTo("Contact"));
        Assert.That(plan.Contact.FirstName, Is.EqualTo("Anne"));
        Assert.That(plan.Contact.Email, Is.EqualTo("anne@example.com"));
        Assert.That(plan.Contact.Relationship, Is.EqualTo("Child"));
        Assert.That(plan.Contact.RelationshipRaw, Is.EqualTo("my daughter"));
        Assert.That(plan.Prospect.LastName, Is.EqualTo("Clark"));
        Assert.That(plan.Prospect.Email, Is.Null);
        Assert.That(plan.Contact.SurveyData, Is.EqualTo(plan.Prospect.SurveyData));
    }

    [Test]
    public void A_market_source_set_by_another_system_is_kept()
    {
        var plan = EnquireTranslator.Translate(LeadId, SelfAssessor() with { MarketSource = "Google Ads" }, new EnquireSettings());

        Assert.That(plan.Prospect.MarketSource, Is.EqualTo("Google Ads"));
    }

    [Test]
    public void An_unknown_relationship_falls_back_to_the_accounts_fallback()
    {
        var lead = SelfAssessor() with { Contact = new Contact { LastName = "Doe", Relationship = "mail carrier" } };

        var plan = EnquireTranslator.Translate(LeadId, lead, new EnquireSettings { RelationshipTypes = ["Child", "Spouse"], RelationshipFallback = "Other" });

        Assert.That(plan.Contact!.Relationship, Is.EqualTo("Other"));
    }

    [Test]
    public void Without_a_market_source_the_leads_source_is_used_and_an_integration_override_wins()
    {
        Assert.That(EnquireTranslator.Translate(LeadId, SelfAssessor(), new EnquireSettings()).Prospect.MarketSource, Is.EqualTo("Roobrik"));
        Assert.That(EnquireTranslator.Translate(LeadId, SelfAssessor(), new EnquireSettings { MarketSource = "Roobrik Survey" }).Prospect.MarketSource,
            Is.EqualTo("Roobrik Survey"));
    }

    [Test]
    public void Each_lead_makes_its_own_report_so_a_second_survey_adds_one()
    {
        var first = EnquireTranslator.Translate(LeadId, SelfAssessor(), new EnquireSettings());
        var second = EnquireTranslator.Translate(Guid.NewGuid(), SelfAssessor(), new EnquireSettings());

        Assert.That(second.Report!.ExternalId, Is.Not.EqualTo(first.Report!.ExternalId));
        Assert.That(first.Report.Text, Is.EqualTo("Report"));
        Assert.That(first.Report.Outcome, Is.EqualTo("Assisted Living"));
    }

    [Test]
    public void The_relationship_is_matched_against_the_accounts_own_list_and_the_raw_value_kept()
    {
        var lead = SelfAssessor() with { Contact = new Contact { LastName = "Clark", Relationship = "Daughter-in-law" } };

        var plan = EnquireTranslator.Translate(LeadId, lead, new EnquireSettings { RelationshipTypes = ["Child", "Spouse", "Relative", "Friend"] });

        Assert.That(plan.Contact!.Relationship, Is.EqualTo("Relative"));
        Assert.That(plan.Contact.RelationshipRaw, Is.EqualTo("Daughter-in-law"));
        Assert.That(plan.Contact.MarketSource, Is.EqualTo("Roobrik"));
    }
}
