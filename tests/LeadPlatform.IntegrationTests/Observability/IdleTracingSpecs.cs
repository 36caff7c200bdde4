using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>An idle platform's background polls (outbox, scheduled retries, backlog sampling) make no traces; a lead does.</summary>
[TestFixture]
public class IdleTracingSpecs
{
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await ObservedPlatform.StartAsync("idle-tracing");
        await _platform.PutEnquireIntegrationAsync("idle-enquire", "idle-account");
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [Test]
    public async Task Polling_that_finds_nothing_records_no_root_span_and_a_lead_still_makes_its_trace()
    {
        var before = _platform.Spans.Select(s => (s.TraceId, s.SpanId)).ToHashSet();
        // The connector's retry worker polls every 0.5 s here, the outbox relay every second, the backlog every 5 s.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var idle = _platform.Spans.Where(s => !before.Contains((s.TraceId, s.SpanId))).ToList();
        Assert.That(idle.Where(s => s.Kind == ActivityKind.Client && s.Parent is null && s.ParentSpanId == default).Select(s => s.DisplayName),
            Is.Empty, "idle polls make no root spans");

        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), "idle-account", $"idle.{Guid.NewGuid():N}"[..12] + "@example.com"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var leadId = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("leadId").GetString();
        await Eventually.UntilAsync(() => Task.FromResult(_platform.Spans.Any(s => s.DisplayName == "deliver enquire" && (s.GetTagItem("lead.id")?.ToString()) == leadId)),
            TimeSpan.FromSeconds(30), "the lead's delivery span");
    }
}
