using LeadPlatform.Testing;
using static LeadPlatform.Testing.SandboxClient;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>The Enquire connector end to end: the seed behaviours, and the pipeline's promises on Enquire.</summary>
[TestFixture]
public class EnquireConnectorSpecs() : ConnectorPipelineSpecs("enquire")
{
    protected override async Task<IReadOnlyList<Record>> RecordsWithEmailAsync(string email) =>
        (await Platform.SandboxApi.RecordsAsync("enquire", "individual")).Where(r => Text(r, "email") == email).ToList();

    private async Task<IReadOnlyList<Record>> ReportsOfAsync(string individualId) =>
        (await Platform.SandboxApi.RecordsAsync("enquire", "report")).Where(r => Text(r, "individualId") == individualId).ToList();

    [Test]
    public async Task A_self_assessor_becomes_a_prospect_with_names_email_phone_market_source_and_the_report()
    {
        var email = NewEmail("self");
        var leadId = await Platform.PostLeadAsync(Lead(await NewAccountAsync(), email));

        Assert.That((await Platform.EndedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var records = await RecordsWithEmailAsync(email);
        Assert.That(records, Has.Count.EqualTo(1), string.Join("\n", records.Select(r => r.Fields.ToJsonString())));
        var prospect = records[0];
        Assert.That(Text(prospect, "individualType"), Is.EqualTo("Prospect"));
        Assert.That(Text(prospect, "firstName"), Is.EqualTo("Edith"));
        Assert.That(Text(prospect, "lastName"), Is.EqualTo("Clark"));
        Assert.That(Text(prospect, "phone"), Does.StartWith("555-"));
        Assert.That(Text(prospect, "marketSource"), Is.EqualTo("Roobrik"));
        var reports = await ReportsOfAsync(prospect.Id);
        Assert.That(reports, Has.Count.EqualTo(1), string.Join("\n", reports.Select(r => r.Id + r.Fields.ToJsonString())));
        var report = reports[0];
        Assert.That(Text(report, "url"), Is.EqualTo("https://reports.example/1"));
        Assert.That(Text(report, "outcome"), Is.EqualTo("Assisted Living"));
    }

    [Test]
    public async Task A_survey_on_behalf_becomes_a_contact_with_the_relationship_linked_to_a_prospect_the_survey_on_both()
    {
        var email = NewEmail("daughter");
        var account = await NewAccountAsync(new { relationshipTypes = new[] { "Child", "Spouse", "Relative", "Friend", "Other" } });
        var contact = new { firstName = "Anne", lastName = "Clark", email, phone = NewPhone(), relationship = "my daughter" };
        var leadId = await Platform.PostLeadAsync(Lead(account, email, contact, prospect: new { firstName = "Edith", lastName = "Clark" }));

        Assert.That((await Platform.EndedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var saved = (await RecordsWithEmailAsync(email)).Single();
        Assert.That(Text(saved, "individualType"), Is.EqualTo("Contact"));
        Assert.That(Text(saved, "firstName"), Is.EqualTo("Anne"));
        Assert.That(Text(saved, "phone"), Is.EqualTo(contact.phone));
        Assert.That(Text(saved, "relationship"), Is.EqualTo("Child"));
        Assert.That(Text(saved, "relationshipRaw"), Is.EqualTo("my daughter"));
        var prospect = (await Platform.SandboxApi.RecordsAsync("enquire", "individual")).Single(r => r.Id == Text(saved, "linkedProspectId"));
        Assert.That(Text(prospect, "individualType"), Is.EqualTo("Prospect"));
        Assert.That(Text(prospect, "firstName"), Is.EqualTo("Edith"));
        Assert.That(prospect.Fields["surveyData"]!.ToJsonString(), Is.EqualTo(saved.Fields["surveyData"]!.ToJsonString()));
        Assert.That(prospect.Fields["surveyData"]!["outcome"]!.GetValue<string>(), Is.EqualTo("Assisted Living"));
    }

    [Test]
    public async Task A_second_survey_of_the_same_person_updates_the_prospect_keeps_its_market_source_and_adds_a_report()
    {
        var account = await NewAccountAsync();
        var email = NewEmail("twice");
        var phone = NewPhone();
        var first = await Platform.PostLeadAsync(new Dictionary<string, object?>
        {
            ["source"] = "roobrik", ["sourceLeadId"] = Guid.NewGuid().ToString("N"), ["accountId"] = account,
            ["conversion"] = "sales-opt-in", ["marketSource"] = "Google Ads",
            ["prospect"] = new { firstName = "Edith", lastName = "Clark", email, phone },
            ["survey"] = new { name = "Senior Living Fit", outcome = "Independent Living", reportUrl = "https://reports.example/first" },
        });
        Assert.That((await Platform.EndedDeliveryAsync(first)).GetProperty("state").GetString(), Is.EqualTo("delivered"));

        // Same phone, new email: still the same person.
        var second = await Platform.PostLeadAsync(Lead(account, NewEmail("twice-again"), prospect: new { firstName = "Edith", lastName = "Clark", phone }));
        var delivery = await Platform.EndedDeliveryAsync(second);

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var prospect = (await Platform.SandboxApi.RecordsAsync("enquire", "individual")).Single(r => Text(r, "phone") == phone);
        Assert.That(delivery.GetProperty("recordIds").GetProperty("prospect").GetString(), Is.EqualTo(prospect.Id));
        Assert.That(prospect.Version, Is.GreaterThan(1), "updated");
        Assert.That(Text(prospect, "marketSource"), Is.EqualTo("Google Ads"), "set by another system, kept");
        Assert.That((await ReportsOfAsync(prospect.Id)).Select(r => Text(r, "url")),
            Is.EquivalentTo(new[] { "https://reports.example/first", "https://reports.example/1" }));
    }

    [Test]
    public async Task A_second_survey_by_the_same_contact_for_the_same_person_reuses_the_prospect_and_adds_a_report()
    {
        var account = await NewAccountAsync();
        var email = NewEmail("daughter-again");
        var contact = new { firstName = "Anne", lastName = "Clark", email, relationship = "daughter" };
        var mother = new { firstName = "Edith", lastName = "Clark" };
        var first = await Platform.PostLeadAsync(Lead(account, email, contact, mother));
        var firstDelivery = await Platform.EndedDeliveryAsync(first);
        var second = await Platform.PostLeadAsync(Lead(account, email, contact, mother));
        var secondDelivery = await Platform.EndedDeliveryAsync(second);

        var prospectId = firstDelivery.GetProperty("recordIds").GetProperty("prospect").GetString()!;
        Assert.That(secondDelivery.GetProperty("recordIds").GetProperty("prospect").GetString(), Is.EqualTo(prospectId));
        Assert.That(await RecordsWithEmailAsync(email), Has.Count.EqualTo(1), "one contact");
        Assert.That(await ReportsOfAsync(prospectId), Has.Count.EqualTo(2));
    }
}
