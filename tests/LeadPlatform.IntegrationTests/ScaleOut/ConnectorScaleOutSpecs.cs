using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// Three instances of the HubSpot connector on one queue and one database: together they stay under the
/// integration's rate (the CRM stand-in refuses anything over it and never has to), every lead becomes one contact,
/// and a daily batch is delivered once, not once per instance.
/// </summary>
[TestFixture]
public class ConnectorScaleOutSpecs
{
    private const int Rate = 5;
    private TestPlatform _platform = null!;
    private SandboxClient SandboxApi => _platform.SandboxApi;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await TestPlatform.Create("connectorscale")
            // Above the integration's rate (requests reach it with some jitter on a busy machine), far below what
            // three instances would send with a limiter each (3 x 5).
            .WithSandbox(s => s.Set("Sandbox:HubSpot:SecondlyLimit", "8").Set("Sandbox:HubSpot:TenSecondlyLimit", "1000"))
            .WithIngestion(s => s.AsAdmin())
            // A small prefetch so the queue's messages spread over the three instances instead of all going to the first.
            .WithConnector(Crm.HubSpot, s => s.Set("Connector:RequestTimeout", "00:00:05")
                .Set("Connector:PrefetchCount", "4").Set("Connector:ConcurrentMessageLimit", "4"))
            .StartAsync();
        for (var i = 2; i <= 3; i++)
        {
            await _platform.StartAnotherAsync(Crm.HubSpot.Role);
        }
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task Three_instances_together_stay_under_the_integration_rate_and_create_each_contact_once()
    {
        await PutIntegrationAsync("scale-hs", new { maxRequestsPerSecond = Rate });
        const int leads = 30;
        var clock = Stopwatch.StartNew();
        var leadIds = new List<string>();
        for (var i = 0; i < leads; i++)
        {
            leadIds.Add(await PostLeadAsync("scale-hs", $"rate-{i}"));
        }
        foreach (var leadId in leadIds)
        {
            await DeliveredAsync(leadId, TimeSpan.FromSeconds(60));
        }
        clock.Stop();

        Assert.That(await SandboxApi.RecordsAsync("hubspot", "rate-limited"), Is.Empty, "the CRM never had to refuse a call");
        var contacts = (await SandboxApi.RecordsAsync("hubspot", "contact"))
            .Where(c => SandboxClient.Text(c, "email")?.StartsWith("rate-", StringComparison.Ordinal) == true).ToList();
        Assert.That(contacts.Select(c => SandboxClient.Text(c, "email")).Distinct().Count(), Is.EqualTo(leads));
        Assert.That(contacts, Has.Count.EqualTo(leads), "one contact per lead");
        // 30 calls at 5 a second take at least 5 s whichever instances make them (three unshared limiters: ~2 s).
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds((double)leads / Rate - 1)));
    }

    [Test]
    public async Task A_daily_batch_is_delivered_once_across_instances()
    {
        var batchAt = DateTimeOffset.UtcNow.AddSeconds(10);
        await PutIntegrationAsync("scale-batch", new
        {
            maxRequestsPerSecond = Rate,
            schedule = new { mode = "daily", at = batchAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC" },
        });
        var leadIds = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            leadIds.Add(await PostLeadAsync("scale-batch", $"batch-{i}"));
        }
        foreach (var leadId in leadIds)
        {
            var delivery = await DeliveredAsync(leadId, TimeSpan.FromSeconds(45));
            Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1), "one call for the lead, by one instance");
        }
        var contacts = (await SandboxApi.RecordsAsync("hubspot", "contact"))
            .Where(c => SandboxClient.Text(c, "email")?.StartsWith("batch-", StringComparison.Ordinal) == true).ToList();
        Assert.That(contacts, Has.Count.EqualTo(6));
        Assert.That(contacts.All(c => c.Version == 1), Is.True, "no contact was written twice");
    }

    private async Task PutIntegrationAsync(string id, object settings)
    {
        using var response = await _platform.Ingestion.Client.PutAsJsonAsync($"v1/integrations/{id}", new
        {
            accountId = id,
            crm = "hubspot",
            endpoint = _platform.Sandbox.BaseAddress.ToString(),
            credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" },
            settings,
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> PostLeadAsync(string accountId, string sourceLeadId)
    {
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "chatbot", sourceLeadId, accountId, conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Clark", email = $"{sourceLeadId}@example.com", phone = "555-0100" },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
    }

    private async Task<JsonElement> DeliveredAsync(string leadId, TimeSpan within)
    {
        var lead = await Eventually.UntilAsync(
            () => _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() is "delivered" or "failed"),
            within, $"the delivery of lead {leadId} to finish");
        var delivery = lead.GetProperty("deliveries")[0];
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        return delivery;
    }
}
