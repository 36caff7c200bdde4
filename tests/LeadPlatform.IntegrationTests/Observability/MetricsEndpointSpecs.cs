using System.Net;
using System.Net.Http.Json;
using System.Text;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>Every service answers <c>/metrics</c> in Prometheus text with the documented names and bounded labels.</summary>
[TestFixture]
public class MetricsEndpointSpecs
{
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await ObservedPlatform.StartAsync("metrics-endpoint");
        await _platform.PutEnquireIntegrationAsync("scrape-ok", "scrape-account");
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [Test]
    public async Task Ingestion_connector_and_sandbox_serve_prometheus_text_with_the_documented_names()
    {
        using var accepted = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), "scrape-account", $"s.{Guid.NewGuid():N}"[..10] + "@example.com"));
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var ledger = await Eventually.UntilAsync(() => _platform.Enquire.Client.GetStringAsync("metrics"),
            text => text.Contains("leadplatform_deliveries_succeeded_total", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the connector's /metrics to count the delivery");

        var ingestion = await Scrape(_platform.Ingestion.Client);
        Assert.Multiple(() =>
        {
            Assert.That(ingestion, Does.Contain("leadplatform_leads_accepted_total{"));
            Assert.That(ingestion, Does.Contain("leadplatform_outbox_backlog"));
            Assert.That(ingestion, Does.Contain("http_server_request_duration_seconds"));
            Assert.That(ledger, Does.Contain("leadplatform_delivery_latency_milliseconds_bucket"));
            // What build/bench.sh reads for commits per lead: each group commit's batch-size sum and count, by writer.
            Assert.That(ingestion, Does.Match("""leadplatform_group_commit_batch_size_sum\{[^}]*writer="lead_intake"[^}]*\} [1-9]"""));
            Assert.That(ledger, Does.Match("""leadplatform_group_commit_batch_size_count\{[^}]*writer="ledger_claim"[^}]*\} [1-9]"""));
            // .NET's System.Runtime meter, and what build/bench.sh reads for KB allocated and GCs per lead.
            foreach (var service in new[] { ingestion, ledger })
            {
                Assert.That(service, Does.Match("""(?m)^dotnet_gc_heap_total_allocated_bytes_total(\{[^}]*\})? [1-9]"""));
                Assert.That(service, Does.Match("""(?m)^dotnet_gc_collections_total\{[^}]*gc_heap_generation="gen0"[^}]*\} """));
            }
        });
        Assert.That(await Scrape(_platform.Sandbox.Client), Does.Contain("# TYPE"));
    }

    [Test]
    public async Task A_refused_leads_source_label_is_the_callers_not_the_bodys()
    {
        var invented = $"invented-{Guid.NewGuid():N}";
        using var malformed = await _platform.Leads.PostAsync("v1/leads",
            new StringContent($$"""{"source":"{{invented}}","sourceLeadId":""", Encoding.UTF8, "application/json"));
        using var invalid = await _platform.Leads.PostAsJsonAsync("v1/leads",
            new { source = invented, sourceLeadId = "x", accountId = "scrape-account", conversion = "sales-opt-in", prospect = new { firstName = "A" } });
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var text = await Scrape(_platform.Ingestion.Client);

        Assert.That(text, Does.Contain("leadplatform_leads_rejected_total{"));
        Assert.That(text, Does.Contain("source=\"unknown\""));
        Assert.That(text, Does.Not.Contain(invented));
    }

    private static async Task<string> Scrape(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain").Or.EqualTo("application/openmetrics-text"));
        return await response.Content.ReadAsStringAsync();
    }
}
