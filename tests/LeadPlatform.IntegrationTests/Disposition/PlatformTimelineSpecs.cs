using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dapper;
using LeadPlatform.Disposition;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// The platform's events on lead timelines, written together (<see cref="PlatformTimeline"/>) into the real database:
/// one commit for a batch holding several events of one lead, a repeated event and an erased lead's, each landing as it
/// would alone.
/// </summary>
[TestFixture]
public class PlatformTimelineSpecs
{
    private DispositionPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start() => _platform = await DispositionPlatform.StartAsync("platformtimeline");

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task Events_written_together_share_one_commit_and_each_lands_once()
    {
        var batches = new ConcurrentQueue<int>();
        using var listener = BatchSizes(batches);
        var leads = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var erased = Guid.NewGuid();
        await ExecuteAsync("insert into disposition.erased_lead (lead_id) values (@erased)", new { erased });
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var entries = new List<PlatformTimeline.Entry>();
        foreach (var (lead, i) in leads.Append(erased).Select((l, i) => (l, i)))
        {
            entries.Add(new(lead, "acme", $"Lead{i}@Example.com", $"00-{lead:N}-0000000000000001-01", "converted", null, null,
                "{}", at, $"converted:{lead}", []));
            var delivered = new PlatformTimeline.Entry(lead, null, null, null, "delivered", "acme-sf", "salesforce", """{"outcome":"created"}""",
                at.AddSeconds(1), $"delivered:{lead}", [new("acme-sf", $"00Q-{i}", "lead")]);
            entries.Add(delivered);
            entries.Add(delivered); // a redelivered message in the same batch
        }

        var timeline = _platform.Disposition.Services.GetRequiredService<PlatformTimeline>();
        // Issued before the first batch's linger ends, so all of them go into one batch.
        await Task.WhenAll(entries.Select(e => timeline.WriteAsync(e, CancellationToken.None)));

        Assert.That(batches, Is.EqualTo(new[] { entries.Count }), "one batch, written at once (a refused batch is written again item by item)");
        var rows = await QueryAsync<(Guid Lead, string Kind, string? Account, string? Email, string? Trace, string? Record)>("""
            select t.lead_id, t.kind, l.account_id, l.email, l.trace_parent, r.record_id
              from disposition.timeline t
              join disposition.lead l using (lead_id)
              left join disposition.crm_record r on r.lead_id = t.lead_id and t.kind = 'delivered'
             where t.lead_id = any(@ids)
             order by t.lead_id, t.occurred_at
            """, new { ids = leads.Append(erased).ToArray() });
        Assert.That(rows.Where(r => r.Lead == erased), Is.Empty, "an erased lead's events add nothing");
        Assert.That(rows, Has.Count.EqualTo(2 * leads.Count), "converted and delivered once per lead");
        foreach (var (lead, i) in leads.Select((l, i) => (l, i)))
        {
            var own = rows.Where(r => r.Lead == lead).ToList();
            Assert.That(own.Select(r => r.Kind), Is.EqualTo(new[] { "converted", "delivered" }));
            Assert.That(own.Select(r => (r.Account, r.Email, r.Trace)).Distinct().Single(),
                Is.EqualTo(("acme", $"lead{i}@example.com", $"00-{lead:N}-0000000000000001-01")), "the converted event's values kept");
            Assert.That(own.Single(r => r.Kind == "delivered").Record, Is.EqualTo($"00Q-{i}"));
        }
        Assert.That(await QueryAsync<Guid>("select lead_id from disposition.lead where lead_id = @erased", new { erased }), Is.Empty);
    }

    [Test]
    public async Task The_timeline_queue_prefetches_enough_to_fill_its_batches()
    {
        // MassTransit's default of 16 would cap every commit at 16 events, and a backlog drained 16 at a time.
        var prefetch = await Eventually.UntilAsync(() => _platform.Environment.ConsumerPrefetchCountsAsync(LeadTimelineConsumerDefinition.Queue),
            counts => counts.Count > 0, TimeSpan.FromSeconds(10), "a consumer on the timeline queue");
        Assert.That(prefetch, Has.All.EqualTo(128));
    }

    private static MeterListener BatchSizes(ConcurrentQueue<int> sizes)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == GroupCommitMetrics.InstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == GroupCommitMetrics.WriterTag && Equals(tag.Value, "disposition_timeline"))
                {
                    sizes.Enqueue(size);
                }
            }
        });
        listener.Start();
        return listener;
    }

    private async Task ExecuteAsync(string sql, object args)
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, args);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object args)
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }
}
