using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.HubSpot;

/// <summary>Leads into the HubSpot stand-in over real HTTP, through the real broker and database.</summary>
[TestFixture]
public class HubSpotSpecs
{
    private CrmApiPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        // The stand-in's own limit is low so that going over it would show; the connector is held under it.
        _platform = await CrmApiPlatform.StartAsync("hubspot", new Dictionary<string, string?> { ["Sandbox:HubSpot:SecondlyLimit"] = "4" });
        await _platform.PutHubSpotIntegrationAsync("acme-hs", "acme-hs", new
        {
            leadStatus = "OPEN",
            maxRequestsPerSecond = 2,
            usageProfile = new { fieldUpdates = "profile-and-supplier", customFieldsInNotes = true, fieldMapping = new Dictionary<string, string> { ["budget"] = "budget_range" } },
        });
        await _platform.PutHubSpotIntegrationAsync("acme-hs-supplier", "acme-hs-supplier", new
        {
            lifecycleStage = "marketingqualifiedlead",
            usageProfile = new { fieldUpdates = "supplier", fieldMapping = new Dictionary<string, string> { ["budget"] = "budget_range" } },
        });
        foreach (var id in new[] { "acme-hs-portal-a", "acme-hs-portal-b" })
        {
            await _platform.PutHubSpotIntegrationAsync(id, id, new { portalId = "4711", maxRequestsPerSecond = 3 });
        }
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [TearDown]
    public Task ClearFaults() => _platform.SandboxApi.ClearFaultsAsync("hubspot");

    private static object Lead(string accountId, string sourceLeadId, string email, string phone = "555-0100", string budget = "10000") => new
    {
        source = "chatbot",
        sourceLeadId,
        accountId,
        conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email, phone },
        customFields = new Dictionary<string, string> { ["budget"] = budget },
    };

    private async Task<SandboxClient.Record> DeliveredContactAsync(string leadId)
    {
        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(30));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        var id = delivery.GetProperty("recordIds").GetProperty("contact").GetString();
        return (await _platform.SandboxApi.RecordsAsync("hubspot", "contact")).Single(r => r.Id == id);
    }

    [Test]
    public async Task A_new_lead_becomes_a_contact_with_lead_status_and_lifecycle_stage()
    {
        var contact = await DeliveredContactAsync(await _platform.PostLeadAsync(Lead("acme-hs", "new-1", "new.hs@example.com")));

        Assert.That(SandboxClient.Text(contact, "email"), Is.EqualTo("new.hs@example.com"));
        Assert.That(SandboxClient.Text(contact, "lastname"), Is.EqualTo("Clark"));
        Assert.That(SandboxClient.Text(contact, "hs_lead_status"), Is.EqualTo("OPEN"));
        Assert.That(SandboxClient.Text(contact, "lifecyclestage"), Is.EqualTo("lead"));
        Assert.That(SandboxClient.Text(contact, "budget_range"), Is.EqualTo("10000"));
        Assert.That(SandboxClient.Text(contact, "message"), Does.Contain("budget: 10000"));
    }

    [Test]
    public async Task A_409_on_create_updates_the_existing_contact()
    {
        var first = await DeliveredContactAsync(await _platform.PostLeadAsync(Lead("acme-hs", "conflict-1", "conflict.hs@example.com")));

        var second = await DeliveredContactAsync(await _platform.PostLeadAsync(Lead("acme-hs", "conflict-2", "Conflict.HS@example.com", phone: "555-0199")));

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(SandboxClient.Text(second, "phone"), Is.EqualTo("555-0199"));
        var contacts = await _platform.SandboxApi.RecordsAsync("hubspot", "contact");
        Assert.That(contacts.Count(c => string.Equals(SandboxClient.Text(c, "email"), "conflict.hs@example.com", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
    }

    [Test]
    public async Task The_supplier_policy_updates_custom_fields_only_and_never_moves_the_lifecycle_stage()
    {
        var first = await DeliveredContactAsync(await _platform.PostLeadAsync(Lead("acme-hs-supplier", "supplier-1", "supplier.hs@example.com")));
        Assert.That(SandboxClient.Text(first, "lifecyclestage"), Is.EqualTo("marketingqualifiedlead"));

        var second = await DeliveredContactAsync(await _platform.PostLeadAsync(
            Lead("acme-hs-supplier", "supplier-2", "supplier.hs@example.com", phone: "555-0199", budget: "20000")));

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(SandboxClient.Text(second, "phone"), Is.EqualTo("555-0100"));
        Assert.That(SandboxClient.Text(second, "budget_range"), Is.EqualTo("20000"));
        Assert.That(SandboxClient.Text(second, "lifecyclestage"), Is.EqualTo("marketingqualifiedlead"));
    }

    [Test]
    public async Task A_429_is_backed_off_and_the_lead_delivered()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "hubspot", mode = "429", count = 2 });

        var leadId = await _platform.PostLeadAsync(Lead("acme-hs", "throttled-1", "throttled.hs@example.com"));

        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(30));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task Two_integrations_on_one_portal_share_its_rate_and_a_burst_over_both_is_never_rate_limited()
    {
        // Each allows itself 3/s; over the stand-in's 4/s together, unless the portal's one rate holds both.
        var before = (await _platform.SandboxApi.RecordsAsync("hubspot", "rate-limited")).Count;
        var leadIds = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var account = i % 2 == 0 ? "acme-hs-portal-a" : "acme-hs-portal-b";
            leadIds.Add(await _platform.PostLeadAsync(Lead(account, $"portal-{i}", $"portal{i}.hs@example.com")));
        }

        foreach (var leadId in leadIds)
        {
            await DeliveredContactAsync(leadId);
        }
        Assert.That((await _platform.SandboxApi.RecordsAsync("hubspot", "rate-limited")).Count, Is.EqualTo(before));
    }

    [Test]
    public async Task A_burst_of_leads_stays_under_the_configured_rate_and_is_never_rate_limited()
    {
        var before = (await _platform.SandboxApi.RecordsAsync("hubspot", "rate-limited")).Count;
        var leadIds = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            leadIds.Add(await _platform.PostLeadAsync(Lead("acme-hs", $"burst-{i}", $"burst{i}.hs@example.com")));
        }

        foreach (var leadId in leadIds)
        {
            await DeliveredContactAsync(leadId);
        }
        Assert.That((await _platform.SandboxApi.RecordsAsync("hubspot", "rate-limited")).Count, Is.EqualTo(before));
    }
}
