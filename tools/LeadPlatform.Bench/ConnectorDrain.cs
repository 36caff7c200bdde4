using System.Diagnostics;
using System.Globalization;
using Dapper;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>A backlog of <paramref name="Leads"/> drained by <paramref name="Instances"/> connector instances.</summary>
public sealed record DrainReport(int Instances, int Leads, long Delivered, double Seconds, double DeliveredPerSecond,
    IReadOnlyList<InstanceRate> PerInstance, IReadOnlyList<ProcessReport> Processes, double CpuMsPerLead, WalReport? Wal = null,
    FullPageImagesInRange? FullPageImages = null)
{
    public bool Complete => Delivered == Leads;

    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"{Instances} instance(s) drained {Delivered} of {Leads} queued leads in {Seconds:0.0} s: {DeliveredPerSecond:0.0}/s = {string.Join(" + ", PerInstance.Select(i => $"{i.Instance} {i.DeliveredPerSecond:0.0}/s"))}; {CpuMsPerLead:0.00} cpu-ms per lead ({string.Join(", ", Processes.Where(p => p.CpuMsPerLead > 0).Select(p => $"{p.Name} {p.CpuMsPerLead:0.00}"))}){(Wal is null ? "" : "; " + Wal.Text)}{(FullPageImages is null ? "" : "; " + FullPageImages.Text)}");
}

/// <summary>
/// How fast the running connector instances empty a backlog. They are frozen (SIGSTOP), intake fills their queue
/// (closed loop), and once the relay has published every lead they are let go (SIGCONT) and timed until the last
/// lead is delivered. Intake is idle meanwhile, so this is the connectors' own delivery capacity: what a second
/// instance is for, and what KEDA scales on (this queue's depth). The max-rate phase with two instances measures them
/// against intake on the same two cores instead.
/// </summary>
public static class ConnectorDrain
{
    /// <summary>
    /// A frozen client answers no heartbeat, and after RabbitMQ's 60 s timeout the broker would close its connection
    /// and requeue what it holds: fill and relay stay well inside that.
    /// </summary>
    private static readonly TimeSpan FillAtMost = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan RelayAtMost = TimeSpan.FromSeconds(20);

    public static async Task<DrainReport> RunAsync(BenchPlatform platform, int clients, int backlog)
    {
        var connectors = platform.Connectors;
        // Each drain starts right after a checkpoint, so none begins inside a fill or a drain (the next is >= 2 GB of
        // WAL or 15 min away): in a run with 60 s phases one began just before the two-instance drain, whose
        // PostgreSQL then wrote 0.79 full-page images and 1.4 times the CPU per lead of the one-instance drain.
        await Checkpoint.RunAsync(platform.Db, "before the drain: one drain may overlap a checkpoint's full-page writes and the other not");
        // Read before they freeze: a frozen process answers no scrape, and delivers nothing until it is let go.
        var deliveredBefore = await Task.WhenAll(connectors.Select(ConnectorScale.DeliveredAsync));
        var outboxFrom = await PhaseMeasurement.OutboxHighWaterAsync(platform.Db);
        Signal(connectors, "STOP");
        LoadPhase.Result fill;
        try
        {
            fill = await new LoadPhase(platform.Leads, BenchPlatform.AccountId).ClosedLoopAsync($"drain-{connectors.Count}", clients, FillAtMost, backlog);
            await WaitRelayedAsync(platform.Db, outboxFrom);
        }
        catch
        {
            Signal(connectors, "CONT");
            throw;
        }
        Guid[] ids = [.. fill.Accepted];
        Console.Error.WriteLine($"{fill.Name}: {ids.Length} leads accepted in {fill.Elapsed.TotalSeconds:0.0} s and queued for {connectors.Count} frozen connector instance(s); letting them go");

        var meters = PhaseMeasurement.Meters(platform.Services);
        var before = meters.ToDictionary(m => m.Key, m => m.Value());
        var walBefore = await WalWritten.ReadAsync(platform.Db);
        var resumedAt = DateTime.UtcNow;
        var wall = Stopwatch.StartNew();
        Signal(connectors, "CONT");
        var delivered = await PhaseMeasurement.WaitDeliveredAsync(platform.Db, ids);
        var used = meters.ToDictionary(m => m.Key, m => m.Value().Since(before[m.Key]));
        var walAfter = await WalWritten.ReadAsync(platform.Db);
        var wal = WalWritten.Between(walBefore, walAfter, delivered);
        var cpuWindow = wall.Elapsed.TotalSeconds; // the CPU was read over this window, up to a poll after the last delivery
        var seconds = Math.Max(0.001, (await LastDeliveredAsync(platform.Db, ids) - resumedAt).TotalSeconds);
        var deliveredAfter = await Task.WhenAll(connectors.Select(ConnectorScale.DeliveredAsync));
        var fullPageImages = await FullPageImages.BetweenAsync(platform.Db, platform.Environment.Servers.PostgresAdmin, walBefore, walAfter);

        var perInstance = InstanceRate.Between(connectors, deliveredBefore, deliveredAfter, seconds);
        var processes = PhaseMeasurement.ProcessReports(platform.Services, used, cpuWindow, delivered, [], []);
        return new DrainReport(connectors.Count, ids.Length, delivered, Math.Round(seconds, 1), Math.Round(delivered / seconds, 1),
            perInstance, processes, Math.Round(processes.Sum(p => p.CpuMsPerLead), 2), wal, fullPageImages);
    }

    /// <summary>Until every outbox row written since <paramref name="outboxFrom"/> is published (or the limit).</summary>
    private static async Task WaitRelayedAsync(NpgsqlDataSource db, long outboxFrom)
    {
        await using var connection = await db.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<long>("select count(*) from ingestion.outbox where id > @outboxFrom and published_at is null", new { outboxFrom }) > 0
            && clock.Elapsed < RelayAtMost)
        {
            await Task.Delay(100);
        }
    }

    private static async Task<DateTime> LastDeliveredAsync(NpgsqlDataSource db, Guid[] ids)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTime?>(
            "select max(finished_at) from delivery.ledger where lead_id = any(@ids) and state = 'delivered'", new { ids }) ?? DateTime.UtcNow;
    }

    private static void Signal(IEnumerable<ServiceProcess> processes, string signal)
    {
        foreach (var pid in processes.Select(p => p.ProcessId).OfType<int>())
        {
            using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }
}
