using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.EndToEndTests.Support;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests;

/// <summary>
/// The walking skeleton with every service in its own process: a posted lead becomes an Enquire record,
/// and a disposition the CRM pushes for it shows on its timeline.
/// </summary>
[TestFixture, Category("EndToEnd")]
public class LeadToCrmSpecs
{
    private const string WebhookSecret = "e2e-webhook-secret-0123456789abcdef";
    private ProcessPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await ProcessPlatform.CreateAsync("lead-to-crm");
        await _platform.StartSandboxAsync();
        await _platform.StartIngestionAsync();
        await _platform.StartEnquireAsync();
        await _platform.StartDispositionAsync();
        await _platform.UseSourceKeyAsync("roobrik", "e2e-roobrik-api-key-0001", "e2e-account");
        await _platform.PutIntegrationAsync("e2e-enquire", new
        {
            accountId = "e2e-account",
            crm = "enquire",
            directions = new[] { "outbound", "inbound-push" },
            endpoint = new Uri(_platform.Sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new { subscriptionKey = "sandbox-enquire-key", webhookSecret = WebhookSecret },
        });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task A_posted_sales_opt_in_lands_in_Enquire_and_its_delivery_is_reported()
    {
        var lead = new
        {
            source = "roobrik",
            sourceLeadId = "e2e-1",
            accountId = "e2e-account",
            conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Clark", email = "edith.e2e@example.com" },
        };
        var clock = Stopwatch.StartNew();
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString();

        var records = await Eventually.UntilAsync(
            () => _platform.SandboxApi.RecordsAsync("enquire", "individual"),
            all => all.Any(r => SandboxClient.Text(r, "email") == "edith.e2e@example.com"),
            TimeSpan.FromSeconds(15), "the Enquire prospect");
        await TestContext.Progress.WriteLineAsync($"lead reached the sandbox CRM {clock.ElapsedMilliseconds} ms after the POST");
        Assert.That(records.Count(r => SandboxClient.Text(r, "email") == "edith.e2e@example.com"), Is.EqualTo(1));

        await Eventually.UntilAsync(
            () => _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            view => view.GetProperty("deliveries")[0].GetProperty("state").GetString() == "delivered",
            TimeSpan.FromSeconds(15), "ingestion to show the delivery as delivered");

        // The CRM moves the prospect to "Tour Scheduled" and pushes it, signed, to the disposition API.
        var prospectId = records.Single(r => SandboxClient.Text(r, "email") == "edith.e2e@example.com").Id;
        var disposition = _platform.Service("disposition");
        await Eventually.UntilAsync(async () =>
        {
            using var pushed = await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions", new
            {
                crm = "enquire",
                recordId = prospectId,
                eventId = "e2e-evt-1",
                status = "Tour Scheduled",
                occurredAt = DateTimeOffset.UtcNow,
                push = new { url = new Uri(disposition.BaseAddress, "v1/dispositions/e2e-enquire").ToString(), secret = WebhookSecret },
            });
            // The sandbox answers 200 with the disposition service's own answer inside: that one must be 2xx.
            var answer = pushed.IsSuccessStatusCode ? await pushed.Content.ReadFromJsonAsync<JsonElement>() : default;
            return answer.ValueKind == JsonValueKind.Object && answer.GetProperty("statusCode").GetInt32() is >= 200 and < 300;
        }, TimeSpan.FromSeconds(15), "the signed push to be accepted (the delivery must reach the disposition service first)");

        var timeline = await Eventually.UntilAsync(
            () => disposition.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}/timeline"),
            t => t.GetRawText().Contains("Tour Scheduled", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the disposition on the lead's timeline");
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"), timeline.ToString());
        await Eventually.UntilAsync(
            () => _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            view => view.GetProperty("status").GetString() == "Working",
            TimeSpan.FromSeconds(15), "ingestion to show the lead's current status");
    }
}
