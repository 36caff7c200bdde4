using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>The platform's meters move as leads are accepted, refused, delivered, retried and given up.</summary>
[TestFixture]
public class MetricsSpecs
{
    private sealed record Point(string Instrument, double Value, Dictionary<string, string?> Tags);

    private ObservedPlatform _platform = null!;
    private MeterListener _listener = null!;
    private readonly ConcurrentQueue<Point> _points = new();

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LeadPlatformTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();

        _platform = await ObservedPlatform.StartAsync("metrics", new Dictionary<string, string?>
        {
            ["Connector:GiveUpAfter"] = "00:00:03",
            ["Connector:CircuitBreakerFailures"] = "2",
            ["Connector:CircuitBreakDuration"] = "00:00:02",
        });
        await _platform.PutEnquireIntegrationAsync("metrics-ok", "metrics-ok-account");
        await _platform.PutEnquireIntegrationAsync("metrics-down", "metrics-down-account");
    }

    [OneTimeTearDown]
    public async Task StopPlatform()
    {
        _listener.Dispose();
        await _platform.DisposeAsync();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }
        _points.Enqueue(new Point(instrument.Name, value, copy));
    }

    private double Sum(string instrument, params (string Tag, string Value)[] where) =>
        _points.Where(p => p.Instrument == instrument && where.All(w => p.Tags.GetValueOrDefault(w.Tag) == w.Value)).Sum(p => p.Value);

    [Test]
    public async Task Accepted_and_rejected_leads_are_counted_by_source_and_reason()
    {
        var source = $"metrics-{Guid.NewGuid():N}"[..16];
        using var ok = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead(source, Guid.NewGuid().ToString(), "metrics-ok-account", "a.b@example.com"));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        using var invalid = await _platform.Leads.PostAsJsonAsync("v1/leads",
            new { source, sourceLeadId = "x", accountId = "a", conversion = "sales-opt-in", prospect = new { firstName = "A" } });
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var malformed = await _platform.Leads.PostAsync("v1/leads", new StringContent("{\"source\":", Encoding.UTF8, "application/json"));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        Assert.Multiple(() =>
        {
            // An admin key submits for any source: a source the platform does not know is counted as "other", never by its text.
            Assert.That(Sum("leadplatform.leads.accepted", ("source", source)), Is.Zero);
            Assert.That(Sum("leadplatform.leads.accepted", ("source", "other")), Is.GreaterThanOrEqualTo(1));
            // The body's source is not a label (it could be anything): the caller here holds the admin key, no source key.
            Assert.That(Sum("leadplatform.leads.rejected", ("source", "unknown"), ("reason", "invalid"), ("field", "prospect.lastName")), Is.GreaterThanOrEqualTo(1));
            Assert.That(Sum("leadplatform.leads.rejected", ("source", source)), Is.Zero);
            Assert.That(Sum("leadplatform.leads.rejected", ("reason", "malformed_body")), Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task A_delivery_counts_as_succeeded_with_its_latency_and_the_outbox_gauges_report_an_empty_backlog()
    {
        var before = Sum("leadplatform.deliveries.succeeded", ("crm", "enquire"));
        var latencies = _points.Count(p => p.Instrument == "leadplatform.delivery.latency");
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), "metrics-ok-account", $"ok.{Guid.NewGuid():N}"[..12] + "@example.com"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        await Eventually.UntilAsync(() => Task.FromResult(Sum("leadplatform.deliveries.succeeded", ("crm", "enquire"))),
            sum => sum > before, TimeSpan.FromSeconds(20), "deliveries.succeeded to move");
        Assert.That(_points.Count(p => p.Instrument == "leadplatform.delivery.latency" && p.Tags["crm"] == "enquire"), Is.GreaterThan(latencies));

        using var admin = _platform.AdminClient();
        var outbox = await Eventually.UntilAsync(() => admin.GetFromJsonAsync<JsonElement>("v1/admin/outbox"),
            o => o.GetProperty("backlog").GetInt64() == 0, TimeSpan.FromSeconds(10), "the outbox to be empty");
        Assert.That(outbox.GetProperty("oldestAgeSeconds").GetDouble(), Is.Zero);
        _listener.RecordObservableInstruments();
        Assert.That(_points.Where(p => p.Instrument == "leadplatform.outbox.backlog").Select(p => p.Value), Is.Not.Empty.And.Contains(0d));
        Assert.That(_points.Any(p => p.Instrument == "leadplatform.outbox.oldest_age"), Is.True);
    }

    [Test]
    public async Task The_delivery_latency_ends_at_the_CRMs_answer_as_the_ledger_records_it()
    {
        var recorded = _points.Count(p => p.Instrument == "leadplatform.delivery.latency");
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), "metrics-ok-account", $"lat.{Guid.NewGuid():N}"[..13] + "@example.com"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var leadId = Guid.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!);

        await using var db = _platform.Environment.CreateDataSource();
        var ledgerMs = (await Eventually.UntilAsync(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            return await connection.QuerySingleOrDefaultAsync<double?>("""
                select extract(epoch from (d.finished_at - l.accepted_at)) * 1000
                  from delivery.ledger d join ingestion.lead l on l.id = d.lead_id
                 where d.lead_id = @leadId and d.state = 'delivered'
                """, new { leadId });
        }, ms => ms is not null, TimeSpan.FromSeconds(20), "the lead to be delivered"))!.Value;

        // Not the end of the delivered mark's commit, which is held open for others (CommitLinger.BeforeOutcome).
        await Eventually.UntilAsync(() => Task.FromResult(_points.Where(p => p.Instrument == "leadplatform.delivery.latency").Skip(recorded).ToList()),
            latencies => latencies.Any(p => Math.Abs(p.Value - ledgerMs) < 0.5), TimeSpan.FromSeconds(5),
            $"a delivery latency of the ledger's {ledgerMs:0.0} ms (acceptance to the CRM's answer)");
    }

    [Test]
    public async Task A_CRM_that_is_down_moves_retried_failed_and_opens_the_integrations_circuit()
    {
        var retried = Sum("leadplatform.deliveries.retried", ("crm", "enquire"));
        var failed = Sum("leadplatform.deliveries.failed", ("crm", "enquire"));
        await _platform.SandboxApi.FaultAsync(new { crm = "enquire", mode = "down" });
        try
        {
            using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
                ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), "metrics-down-account", $"down.{Guid.NewGuid():N}"[..14] + "@example.com"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

            await Eventually.UntilAsync(() => Task.FromResult(Sum("leadplatform.deliveries.failed", ("crm", "enquire"))),
                sum => sum > failed, TimeSpan.FromSeconds(30), "deliveries.failed to move once the CRM stayed down past GiveUpAfter");
            Assert.That(Sum("leadplatform.deliveries.retried", ("crm", "enquire")), Is.GreaterThan(retried));
            _listener.RecordObservableInstruments();
            Assert.That(_points.Any(p => p.Instrument == "leadplatform.circuit.open" && p.Value == 1
                && p.Tags.GetValueOrDefault("integration.id") == "metrics-down" && p.Tags.GetValueOrDefault("crm") == "enquire"), Is.True,
                "circuit.open = 1 for the integration whose CRM is down");
        }
        finally
        {
            await _platform.SandboxApi.ClearFaultsAsync();
        }
    }
}
