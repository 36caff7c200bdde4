using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;
using Microsoft.Extensions.Options;

namespace LeadPlatform.UnitTests.Connectors.Enquire;

/// <summary>The report area whenever any survey data is present; the source's name as configured, not its id title-cased.</summary>
public class SurveyReportAndSourceNameSpecs
{
    private static readonly Guid LeadId = Guid.Parse("0195a3c4-0000-7000-8000-000000000031");

    private static Lead Lead(Survey? survey, string source = "roobrik", string? sourceName = null) => new()
    {
        Source = source,
        SourceName = sourceName,
        SourceLeadId = "r-31",
        AccountId = "acme-senior",
        Conversion = Contracts.Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = "edith@example.com" },
        Survey = survey,
    };

    [Test]
    public void An_outcome_without_survey_name_or_report_url_still_gets_its_report_titled_after_the_source()
    {
        var report = EnquireTranslator.Translate(LeadId, Lead(new Survey { Outcome = "Assisted Living" }, sourceName: "Roobrik"), new EnquireSettings()).Report;

        Assert.That(report, Is.Not.Null);
        Assert.That(report!.Outcome, Is.EqualTo("Assisted Living"));
        Assert.That(report.Title, Is.EqualTo("Roobrik survey"));
    }

    [TestCase("Notes only", null, null)]
    [TestCase(null, "Memory Care", null)]
    [TestCase(null, null, "The full report text")]
    public void Any_single_survey_field_is_enough_for_a_report(string? notes, string? careLevel, string? reportText) =>
        Assert.That(EnquireTranslator.Translate(LeadId, Lead(new Survey { Notes = notes, CareLevel = careLevel, ReportText = reportText }), new EnquireSettings()).Report,
            Is.Not.Null);

    [Test]
    public void A_survey_that_says_nothing_and_no_survey_give_no_report()
    {
        Assert.That(EnquireTranslator.Translate(LeadId, Lead(new Survey { Outcome = " " }), new EnquireSettings()).Report, Is.Null);
        Assert.That(EnquireTranslator.Translate(LeadId, Lead(null), new EnquireSettings()).Report, Is.Null);
    }

    [Test]
    public void The_configured_source_name_is_what_every_senior_living_and_Salesforce_record_shows()
    {
        var lead = Lead(null, source: "seniorly-v2", sourceName: "Seniorly");
        Assert.Multiple(() =>
        {
            Assert.That(EnquireTranslator.MarketSource(lead, new EnquireSettings()), Is.EqualTo("Seniorly"));
            Assert.That(AlisTranslator.Source(lead, new AlisSettings()), Is.EqualTo("Seniorly"));
            Assert.That(SalesforceTranslator.Translate(lead, new SalesforceSettings(), SalesforceTranslator.Lead).Fields.Single(f => f.Name == "LeadSource").Value,
                Is.EqualTo("Seniorly"));
        });
    }

    [Test]
    public void Ingestion_puts_the_sources_configured_name_on_the_lead_and_keeps_one_the_source_sent()
    {
        var names = new SourceNames(new FixedMonitor(new Dictionary<string, SourceOptions> { ["roobrik"] = new() { DisplayName = "Roobrik" } }));
        Assert.Multiple(() =>
        {
            Assert.That(names.Apply(Lead(null)).SourceName, Is.EqualTo("Roobrik"));
            Assert.That(names.Apply(Lead(null, sourceName: "Roobrik Care")).SourceName, Is.EqualTo("Roobrik Care"));
            Assert.That(names.Apply(Lead(null, source: "unnamed")).SourceName, Is.Null);
        });
    }

    private sealed class FixedMonitor(Dictionary<string, SourceOptions> value) : IOptionsMonitor<Dictionary<string, SourceOptions>>
    {
        public Dictionary<string, SourceOptions> CurrentValue => value;
        public Dictionary<string, SourceOptions> Get(string? name) => value;
        public IDisposable? OnChange(Action<Dictionary<string, SourceOptions>, string?> listener) => null;
    }
}
