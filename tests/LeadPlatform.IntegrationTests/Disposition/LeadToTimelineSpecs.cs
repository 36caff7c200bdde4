using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Disposition;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// The whole way round: a lead posted to ingestion is delivered to the sandbox's Enquire, the CRM pushes a
/// signed disposition naming its own record id, and the status shows on the timeline and in ingestion.
/// </summary>
[TestFixture]
public class LeadToTimelineSpecs
{
    private const string Secret = "whsec-acme-enquire-0123456789abcdef";
    private InProcessPlatform _platform = null!;
    private InProcessService Disposition => _platform.Disposition;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await InProcessPlatform.StartAsync("leadtotimeline", more: b => b.WithDisposition(s => s.AsAdmin()));
        await _platform.PutIntegrationAsync("acme-enquire", new
        {
            accountId = "acme-senior",
            crm = "enquire",
            directions = new[] { "outbound", "inbound-push" },
            endpoint = new Uri(_platform.Sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key", ["webhookSecret"] = Secret },
            settings = new { relationshipTypes = new[] { "Child", "Other" } },
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await Disposition.DisposeAsync();
        await _platform.DisposeAsync();
    }

    [Test]
    public async Task A_disposition_pushed_for_a_delivered_lead_shows_on_its_timeline_and_in_ingestion()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == LeadPlatformTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        using var posted = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = "e2e-1", accountId = "acme-senior", conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            prospect = new { firstName = "Edith", lastName = "Clark", email = "e2e-1@example.com" },
        });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        var delivered = await Eventually.UntilAsync(
            () => Disposition.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}/timeline"),
            t => t.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "delivered"),
            TimeSpan.FromSeconds(15), "the delivery on the timeline");
        var recordId = delivered.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "delivered")
            .GetProperty("details").GetProperty("recordIds").GetProperty("prospect").GetString();

        using var emitted = await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions", new
        {
            crm = "enquire", recordId, status = "Tour Scheduled",
            push = new { url = new Uri(Disposition.BaseAddress, "v1/dispositions/acme-enquire").ToString(), secret = Secret },
        });
        var answer = await emitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), answer.ToString());

        var timeline = await Disposition.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}/timeline");
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"));
        Assert.That(timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()),
            Is.EqualTo(new[] { "converted", "delivered", "status" }));
        // The disposition, arriving in a trace of its own, links to the lead's trace (the one its delivery ran in).
        var leadTrace = spans.First(a => a.OperationName == "deliver enquire" && Equals(a.GetTagItem("lead.id")?.ToString(), leadId.ToString())).TraceId;
        var applied = spans.Single(a => a.OperationName == "apply disposition" && Equals(a.GetTagItem("lead.id")?.ToString(), leadId.ToString()));
        Assert.That(applied.Links.Select(l => l.Context.TraceId), Does.Contain(leadTrace));
        // LeadStatusChanged, published by disposition, moves ingestion's view of the lead.
        await Eventually.UntilAsync(() => _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("status").GetString() == "Working", TimeSpan.FromSeconds(15), "the status in ingestion");
    }
}
