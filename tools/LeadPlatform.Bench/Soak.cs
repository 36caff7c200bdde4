using System.Globalization;
using Dapper;

namespace LeadPlatform.Bench;

public sealed record SoakMinute(int Minute, int Accepted, long Delivered, double P99Ms, double CpuMsPerLead,
    IReadOnlyDictionary<string, double> RssMb, long OutboxRows, long OutboxBytes, long LedgerRows, long LedgerLeadRows, long LedgerBytes);

public sealed record RssGrowth(string Service, double FromMb, double ToMb, double Growth);

/// <summary>
/// A long run at a steady rate on a fresh platform whose retention is short, so that what retention bounds is
/// bounded within the run. Per minute: p99, CPU per lead, every service's RSS, outbox and ledger sizes.
/// </summary>
public sealed record SoakReport(int Rate, int WarmupMinutes, TimeSpan Retention, TimeSpan SweepInterval, long RowBound,
    IReadOnlyList<SoakMinute> Minutes, IReadOnlyList<RssGrowth> RssGrowth, double P99First, double P99Last, bool P99Flat,
    long OutboxRowsMax, long LedgerLeadRowsMax)
{
    public void Print()
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"soak: {Minutes.Count} min at {Rate} leads/s, retention {Retention.TotalSeconds:0} s (sweep every {SweepInterval.TotalSeconds:0} s), first {WarmupMinutes} min warm-up"));
        var services = Minutes[0].RssMb.Keys.ToList();
        Console.WriteLine("  min  accepted  delivered  p99 ms  cpu-ms/lead  " + string.Join("  ", services.Select(s => $"{s} MB")) + "  outbox rows (MB)  ledger rows / with lead (MB)");
        foreach (var m in Minutes)
        {
            Console.WriteLine(string.Create(c,
                $"  {m.Minute,3}  {m.Accepted,8}  {m.Delivered,9}  {m.P99Ms,6:0.0}  {m.CpuMsPerLead,11:0.00}  {string.Join("  ", services.Select(s => m.RssMb[s].ToString("0", c).PadLeft(s.Length + 3)))}  {m.OutboxRows,11} ({m.OutboxBytes / 1048576.0:0.0})  {m.LedgerRows} / {m.LedgerLeadRows} ({m.LedgerBytes / 1048576.0:0.0})"));
        }
    }
}

public static class Soak
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(15);

    public static async Task<SoakReport> RunAsync(BenchOptions options, TimeSpan length)
    {
        var settings = new Dictionary<string, string>
        {
            ["Retention:PublishedOutbox"] = Retention.ToString("c"),
            ["Retention:FinishedLedger"] = Retention.ToString("c"),
            ["Retention:Interval"] = SweepInterval.ToString("c"),
        };
        await using var platform = await BenchPlatform.StartAsync("benchsoak", options.ConnectorConcurrency, settings, options.AllConnectors, options.AllServices);
        var minutes = Math.Max(1, (int)Math.Round(length.TotalMinutes));
        var warmup = Math.Max(1, minutes / 6);
        var meters = PhaseMeasurement.Meters(platform.Services);
        var sandbox = platform.Services.Single(s => s.Name == "sandbox");
        var loads = new List<LoadPhase.Result>();
        var samples = new List<(Dictionary<string, double> Rss, double Cpu, Sizes Sizes)>();
        var cpu = meters.Values.Sum(m => m().CpuSeconds);
        for (var minute = 1; minute <= minutes; minute++)
        {
            var result = await new LoadPhase(platform.Leads, BenchPlatform.AccountId).FixedRateAsync($"soak-{minute}", options.SoakRate, TimeSpan.FromMinutes(1));
            loads.Add(result);
            var cpuNow = meters.Values.Sum(m => m().CpuSeconds);
            samples.Add((platform.Services.ToDictionary(s => s.Name, s => s.ProcessId is { } pid ? Math.Round(ProcessStats.RssMegabytes(pid), 1) : 0),
                cpuNow - cpu, await SizesAsync(platform)));
            cpu = cpuNow;
            // The sandbox keeps every record it received, in memory, for inspection; a CRM's storage is not the
            // platform's, so it is emptied every minute (all leads are new: nothing looks up an earlier record).
            (await sandbox.Client.DeleteAsync("sandbox/records")).EnsureSuccessStatusCode();
            Console.Error.WriteLine($"soak: minute {minute} of {minutes}, {result.Accepted.Count} accepted, outbox {samples[^1].Sizes.OutboxRows} rows");
        }
        await PhaseMeasurement.WaitDeliveredAsync(platform.Db, loads[^1].Accepted.ToArray());

        var rows = new List<SoakMinute>();
        await using var connection = await platform.Db.OpenConnectionAsync();
        for (var i = 0; i < minutes; i++)
        {
            const string sql = """
                select count(*) as Delivered,
                       coalesce(percentile_disc(0.99) within group (order by extract(epoch from d.finished_at - l.accepted_at) * 1000), 0)::float8 as P99
                  from ingestion.lead l join delivery.ledger d on d.lead_id = l.id
                 where l.id = any(@ids) and d.state = 'delivered'
                """;
            var (delivered, p99) = await connection.QuerySingleAsync<(long, double)>(sql, new { ids = loads[i].Accepted.ToArray() });
            var s = samples[i];
            rows.Add(new SoakMinute(i + 1, loads[i].Accepted.Count, delivered, Math.Round(p99, 1),
                delivered == 0 ? 0 : Math.Round(s.Cpu * 1000 / delivered, 2), s.Rss,
                s.Sizes.OutboxRows, s.Sizes.OutboxBytes, s.Sizes.LedgerRows, s.Sizes.LedgerLeadRows, s.Sizes.LedgerBytes));
        }

        var after = rows.Skip(warmup).ToList();
        var settled = after.Count > 0 ? after : rows;
        var from = rows[Math.Min(warmup, rows.Count) - 1];
        var growth = from.RssMb.Keys.Select(s => new RssGrowth(s, from.RssMb[s], rows[^1].RssMb[s],
            Math.Round(rows[^1].RssMb[s] / from.RssMb[s] - 1, 4))).ToList();
        var third = Math.Max(1, settled.Count / 3);
        var first = Median(settled.Take(third).Select(m => m.P99Ms));
        var last = Median(settled.TakeLast(third).Select(m => m.P99Ms));
        var bound = (long)(options.SoakRate * (Retention + 2 * SweepInterval).TotalSeconds);
        return new SoakReport(options.SoakRate, warmup, Retention, SweepInterval, bound, rows, growth, first, last,
            last <= first * 1.25, settled.Max(m => m.OutboxRows), settled.Max(m => m.LedgerLeadRows));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private sealed record Sizes(long OutboxRows, long OutboxBytes, long LedgerRows, long LedgerLeadRows, long LedgerBytes);

    private static async Task<Sizes> SizesAsync(BenchPlatform platform)
    {
        const string sql = """
            select (select count(*) from ingestion.outbox) as OutboxRows, pg_total_relation_size('ingestion.outbox') as OutboxBytes,
                   (select count(*) from delivery.ledger) as LedgerRows,
                   (select count(*) from delivery.ledger where purged_at is null) as LedgerLeadRows,
                   pg_total_relation_size('delivery.ledger') as LedgerBytes
            """;
        await using var connection = await platform.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<Sizes>(sql);
    }
}
