using System.Diagnostics;
using Dapper;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>
/// Runs one load phase and measures it: POSTs, delivery latency and its stages from the database, the CPU every
/// process on the box spent until the phase's leads were delivered, the commits of the services' group commits, and
/// PostgreSQL's WAL.
/// </summary>
public static class PhaseMeasurement
{
    private const string BenchClient = "bench client";

    public static async Task<PhaseReport> MeasureAsync(BenchPlatform platform, Func<Task<LoadPhase.Result>> load)
    {
        var db = platform.Db;
        // Scraped outside the CPU measurement, so the scrapes don't count as the phase's work.
        var scrapedBefore = await PrometheusSamples.ScrapeEachAsync(platform.Services);
        var runtimeBefore = RuntimeCounters.Read(scrapedBefore);
        runtimeBefore[BenchClient] = RuntimeCounters.OfThisProcess();
        var meters = Meters(platform.Services);
        var before = meters.ToDictionary(m => m.Key, m => m.Value());
        var outboxFrom = await OutboxHighWaterAsync(db);
        var walBefore = await WalWritten.ReadAsync(db);
        var wall = Stopwatch.StartNew();
        var result = await load();
        var ids = result.Accepted.ToArray();
        Console.Error.WriteLine($"{result.Name}: {ids.Length} accepted in {result.Elapsed.TotalSeconds:0.0} s; waiting for delivery");

        var delivered = await WaitDeliveredAsync(db, ids);
        var seconds = wall.Elapsed.TotalSeconds;
        var used = meters.ToDictionary(m => m.Key, m => m.Value().Since(before[m.Key]));
        var benchRuntimeAfter = RuntimeCounters.OfThisProcess();
        var walAfter = await WalWritten.ReadAsync(db);
        var wal = WalWritten.Between(walBefore, walAfter, delivered);
        var scrapedAfter = await PrometheusSamples.ScrapeEachAsync(platform.Services);
        var runtimeAfter = RuntimeCounters.Read(scrapedAfter);
        runtimeAfter[BenchClient] = benchRuntimeAfter;
        var fullPageImages = await FullPageImages.BetweenAsync(db, platform.Environment.Servers.PostgresAdmin, walBefore, walAfter);
        var processes = ProcessReports(platform.Services, used, seconds, delivered, runtimeBefore, runtimeAfter);
        var commits = GroupCommitCounts.Between(GroupCommitCounts.Read(scrapedBefore), GroupCommitCounts.Read(scrapedAfter), delivered);

        // Only the outbox rows written since the phase began (by primary key): with millions of rows stored, a join
        // on the payload's lead id over the whole outbox would take minutes. A row already swept by retention only
        // leaves its lead out of the stage figures.
        const string latencySql = """
            with relayed as (
                select (payload->>'leadId')::uuid as lead_id, published_at
                  from ingestion.outbox where id > @outboxFrom and message_type = 'LeadConverted')
            select d.crm as Crm, extract(epoch from (d.finished_at - l.accepted_at)) * 1000 as Ms, l.accepted_at as AcceptedAt, d.finished_at as FinishedAt,
                   extract(epoch from (o.published_at - l.accepted_at)) * 1000 as RelayMs,
                   extract(epoch from (d.created_at - o.published_at)) * 1000 as QueueMs,
                   extract(epoch from (d.finished_at - d.created_at)) * 1000 as ConnectorMs
              from ingestion.lead l
              join delivery.ledger d on d.lead_id = l.id
              left join relayed o on o.lead_id = l.id
             where l.id = any(@ids) and d.state = 'delivered'
            """;
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<LatencyRow>(latencySql, new { ids, outboxFrom })).ToList();
        var perCrm = rows.GroupBy(r => r.Crm).Select(g =>
        {
            var span = (g.Max(r => r.FinishedAt) - g.Min(r => r.AcceptedAt)).TotalSeconds;
            List<double> Sorted(Func<LatencyRow, double?> of) => g.Select(of).OfType<double>().Order().ToList();
            var ms = Sorted(r => r.Ms);
            var p99 = Percentile(ms, 99);
            return new CrmReport(g.Key, g.Count(), Math.Round(g.Count() / span, 1),
                Percentile(ms, 50), Percentile(ms, 95), p99, Math.Round(ms[^1], 1),
                [.. Stages.Select(s => StageReport.Of(s.Name, Sorted(s.Of)))], Math.Round(span, 1),
                LatencyTail.Of(g.Select(r => new TimedLead(r.AcceptedAt, r.Ms, [.. Stages.Select(s => (s.Name, s.Of(r)))])).ToList(), p99));
        }).ToList();
        var post = result.PostMs.Order().ToList();
        return new PhaseReport(result.Name, Math.Round(result.Elapsed.TotalSeconds, 1), result.Offered, ids.Length,
            Math.Round(ids.Length / result.Elapsed.TotalSeconds, 1), result.Refused, result.Failed,
            Percentile(post, 50), Percentile(post, 99), delivered, perCrm, processes, Math.Round(processes.Sum(p => p.CpuMsPerLead), 2), commits, wal, fullPageImages);
    }

    /// <summary>
    /// Each process's share of a core over <paramref name="seconds"/>, and its CPU, switches, allocations and GCs per
    /// delivered lead, and its GC pauses and JIT time in all (the runtime's figures only for processes found in both
    /// readings: the services and the bench client).
    /// </summary>
    public static List<ProcessReport> ProcessReports(IReadOnlyList<ServiceProcess> services, Dictionary<string, (double CpuSeconds, long ContextSwitches)> used,
        double seconds, long delivered, Dictionary<string, RuntimeReading> runtimeBefore, Dictionary<string, RuntimeReading> runtimeAfter) =>
        used.Select(u =>
        {
            var service = services.FirstOrDefault(s => s.Name == u.Key);
            var runtime = runtimeAfter.TryGetValue(u.Key, out var after) && runtimeBefore.TryGetValue(u.Key, out var earlier)
                ? after.Since(earlier)
                : RuntimeReading.None;
            return new ProcessReport(u.Key, Math.Round(u.Value.CpuSeconds / seconds * 100, 1),
                service?.ProcessId is { } pid ? Math.Round(ProcessStats.RssMegabytes(pid), 1) : 0,
                delivered == 0 ? 0 : Math.Round(u.Value.CpuSeconds * 1000 / delivered, 2),
                delivered == 0 ? 0 : Math.Round((double)u.Value.ContextSwitches / delivered, 1),
                delivered == 0 ? 0 : Math.Round(runtime.AllocatedBytes / 1024 / delivered, 1),
                delivered == 0 ? 0 : Math.Round(runtime.Collections * 1000 / delivered, 1),
                Math.Round(runtime.PauseSeconds * 1000, 1),
                Math.Round(runtime.JitSeconds * 1000, 1),
                (int)runtime.JitMethods);
        }).ToList();

    public static async Task<long> OutboxHighWaterAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select coalesce(max(id), 0) from ingestion.outbox");
    }

    /// <summary>How many of the leads were delivered, once all were or after two minutes.</summary>
    public static async Task<long> WaitDeliveredAsync(NpgsqlDataSource db, Guid[] ids)
    {
        await using var connection = await db.OpenConnectionAsync();
        const string deliveredSql = "select count(*) from delivery.ledger where lead_id = any(@ids) and state = 'delivered'";
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long delivered;
        while ((delivered = await connection.ExecuteScalarAsync<long>(deliveredSql, new { ids })) < ids.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        return delivered;
    }

    /// <summary>
    /// CPU and context switches of everything a lead costs on this box: the services, the broker, the database and
    /// this load generator, so the report can say how many CPU-milliseconds one lead takes and what that allows on the
    /// machine's cores, and how many times a lead puts a thread to sleep (at low rates, the wake-ups are the cost).
    /// </summary>
    public static Dictionary<string, Func<ProcessSample>> Meters(IEnumerable<ServiceProcess> services)
    {
        var meters = services.ToDictionary(s => s.Name, s => (Func<ProcessSample>)(() => s.ProcessId is { } pid ? ProcessStats.Sample(pid) : ProcessSample.None));
        meters["postgresql (all)"] = () => ProcessStats.SampleOfAll("postgres");
        meters["rabbitmq (all)"] = () => ProcessStats.SampleOfAll("beam.smp");
        meters[BenchClient] = () => ProcessStats.Sample(System.Environment.ProcessId);
        return meters;
    }

    internal static double Percentile(List<double> sorted, int p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)], 1);

    private static readonly (string Name, Func<LatencyRow, double?> Of)[] Stages =
    [
        ("accepted->relayed", r => r.RelayMs),
        ("relayed->claimed", r => r.QueueMs),
        ("claimed->delivered", r => r.ConnectorMs),
    ];

    private sealed class LatencyRow
    {
        public string Crm { get; init; } = "";
        public double Ms { get; init; }
        public DateTime AcceptedAt { get; init; }
        public DateTime FinishedAt { get; init; }
        public double? RelayMs { get; init; }
        public double? QueueMs { get; init; }
        public double? ConnectorMs { get; init; }
    }
}
