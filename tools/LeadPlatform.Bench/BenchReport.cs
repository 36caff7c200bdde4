using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Bench;

/// <summary>
/// CPU % of one core over the phase, RSS (services only), CPU-milliseconds and context switches of its threads per
/// delivered lead; for the .NET processes (the services and the bench client) also the kilobytes they allocated per
/// lead, their garbage collections per thousand leads and the milliseconds those paused them over the phase, and the
/// milliseconds their JIT spent compiling in it (the compilations' elapsed time, every tier) and how many methods.
/// </summary>
public sealed record ProcessReport(string Name, double CpuPercent, double RssMb, double CpuMsPerLead, double SwitchesPerLead = 0,
    double AllocatedKbPerLead = 0, double CollectionsPerThousandLeads = 0, double GcPauseMs = 0, double JitMs = 0, int JitMethods = 0);

/// <summary>Delivered/s is over the span from the first lead accepted to the last delivered.</summary>
public sealed record CrmReport(string Crm, int Delivered, double DeliveredPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    IReadOnlyList<StageReport> Stages, double SpanSeconds, LatencyTail? Tail = null);

/// <summary>
/// Where acceptance-to-delivery time went: until the relay took the outbox row, until the connector claimed the
/// delivery (broker hop and consumer queue), and the connector's work (CRM calls and ledger writes).
/// </summary>
public sealed record StageReport(string Name, double P50Ms, double P99Ms)
{
    public static StageReport Of(string name, List<double> sorted) =>
        new(name, PhaseMeasurement.Percentile(sorted, 50), PhaseMeasurement.Percentile(sorted, 99));
}

public sealed record PhaseReport(string Name, double Seconds, int Offered, int Accepted, double AcceptedPerSecond, int Refused, int Failed,
    double PostP50Ms, double PostP99Ms, long Delivered, IReadOnlyList<CrmReport> Crms, IReadOnlyList<ProcessReport> Processes,
    double CpuMsPerLead, IReadOnlyList<CommitReport>? Commits = null, WalReport? Wal = null, FullPageImagesInRange? FullPageImages = null)
{
    public double DeliveredPerSecond => Crms.Sum(c => c.DeliveredPerSecond);
    public double P99Ms => Crms.Count == 0 ? 0 : Crms.Max(c => c.P99Ms);
    public double SwitchesPerLead => Math.Round(Processes.Sum(p => p.SwitchesPerLead), 1);
}

public sealed record BenchReport(DateTimeOffset At, int Cores, double DurationSeconds, IReadOnlyList<PhaseReport> Phases,
    double BaselineMessagesPerSecond, double BusHopMessagesPerSecond, ScaleReport? Scale, DataGrowthReport? DataGrowth,
    SoakReport? Soak, IReadOnlyList<HopPair>? BusHopPairs = null)
{
    public IReadOnlyList<TargetResult> Targets => Bench.Targets.Evaluate(this);

    public void Print()
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"LeadPlatform benchmark {At:u}, {Cores} cores, {DurationSeconds:0} s per phase"));
        Console.WriteLine(string.Create(c, $"baseline RabbitMQ.Client (persistent, confirms, quorum queue): {BaselineMessagesPerSecond:0} msg/s"));
        Console.WriteLine(string.Create(c, $"bus hop, MassTransit as configured here (publish -> consume): {BusHopMessagesPerSecond:0} msg/s = {BusHopMessagesPerSecond / BaselineMessagesPerSecond:P1} of baseline{PairsText(c)}"));
        foreach (var phase in Phases)
        {
            PrintPhase(phase, "");
        }
        Scale?.Print();
        DataGrowth?.Print(Phases);
        Soak?.Print();
        Console.WriteLine();
        Console.WriteLine("targets (issue 22):");
        foreach (var target in Targets)
        {
            Console.WriteLine($"  {target.Verdict,-4}  {target.Name,-44} {target.Figure,-40} target {target.Target}{(target.Note is null ? "" : "  (" + target.Note + ")")}");
        }
    }

    /// <summary>Every baseline/hop pair, when there were several (the figure is the median pair's).</summary>
    private string PairsText(CultureInfo c) => BusHopPairs is not { Count: > 1 } pairs ? "" :
        string.Create(c, $" (median of {pairs.Count} pairs: {string.Join(", ", pairs.Select(p => string.Create(c, $"{p.BusHopMessagesPerSecond:0}/{p.BaselineMessagesPerSecond:0} = {p.Ratio:P1}")))})");

    internal static void PrintPhase(PhaseReport phase, string label)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"{label}{phase.Name}: offered {phase.Offered}, accepted {phase.AcceptedPerSecond:0.0}/s ({phase.Accepted}, refused {phase.Refused}, failed {phase.Failed}), delivered {phase.Delivered}, POST p50 {phase.PostP50Ms} ms p99 {phase.PostP99Ms} ms"));
        foreach (var crm in phase.Crms)
        {
            Console.WriteLine(string.Create(c,
                $"  {crm.Crm,-10} delivered {crm.DeliveredPerSecond,7:0.0}/s ({crm.Delivered})  accept->deliver p50 {crm.P50Ms} p95 {crm.P95Ms} p99 {crm.P99Ms} max {crm.MaxMs} ms"));
            Console.WriteLine("             stages p50/p99 ms: " + string.Join(", ", crm.Stages.Select(s => string.Create(c, $"{s.Name} {s.P50Ms}/{s.P99Ms}"))));
            if (crm.Tail is { } tail)
            {
                Console.WriteLine($"             tail: {tail.Text}");
            }
        }
        foreach (var process in phase.Processes)
        {
            var runtime = process.AllocatedKbPerLead > 0
                ? string.Create(c, $"  {process.AllocatedKbPerLead,6:0.0} KB allocated/lead  {process.CollectionsPerThousandLeads,5:0.0} GCs/1,000 leads  {process.GcPauseMs,6:0.0} ms paused  JIT {process.JitMs,6:0.0} ms ({process.JitMethods} methods)")
                : "";
            Console.WriteLine(string.Create(c, $"  {process.Name,-20} cpu {process.CpuPercent,6:0.0}%  rss {process.RssMb,7:0.0} MB  {process.CpuMsPerLead,6:0.00} cpu-ms/lead  {process.SwitchesPerLead,6:0.0} switches/lead{runtime}"));
        }
        if (phase.Commits is { Count: > 0 } commits)
        {
            Console.WriteLine("  commits per lead (writes per commit): " + string.Join(", ",
                commits.Select(w => string.Create(c, $"{w.Writer} {w.CommitsPerLead:0.00} ({w.WritesPerCommit:0.0})"))));
        }
        if (phase.Wal is { } wal)
        {
            Console.WriteLine($"  postgresql WAL       {wal.Text}{(phase.FullPageImages is { } images ? "; " + images.Text : "")}");
        }
        if (phase.CpuMsPerLead > 0)
        {
            Console.WriteLine(string.Create(c, $"  all                  {phase.CpuMsPerLead:0.00} cpu-ms per delivered lead: at most {Environment.ProcessorCount * 1000 / phase.CpuMsPerLead:0} leads/s on {Environment.ProcessorCount} cores; {phase.SwitchesPerLead:0} context switches per lead"));
        }
    }

    /// <summary>The whole report as JSON at <paramref name="path"/>, and the short table beside it (same name, .md).</summary>
    public async Task SaveAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        var table = Path.ChangeExtension(path, ".md");
        await File.WriteAllTextAsync(table, Table());
        Console.WriteLine($"\nwritten to {path} and {table}");
    }

    /// <summary>The targets, then one row per phase, in markdown.</summary>
    public string Table()
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<string>
        {
            string.Create(c, $"{At:u}, {Cores} cores, {DurationSeconds:0} s per phase; baseline {BaselineMessagesPerSecond:0} msg/s, bus hop {BusHopMessagesPerSecond:0} msg/s ({BusHopMessagesPerSecond / BaselineMessagesPerSecond:P1}){PairsText(c)}"),
            "",
            "| target | figure | wanted | verdict |",
            "|---|---|---|---|",
        };
        rows.AddRange(Targets.Select(t => $"| {t.Name} | {t.Figure} | {t.Target} | {t.Verdict}{(t.Note is null ? "" : " (" + t.Note + ")")} |"));
        rows.AddRange(["", "| phase | accepted/s | POST p50 / p99 ms | delivered/s | accept->deliver p50 / p95 / p99 / max ms | CPU-ms per lead | context switches per lead |", "|---|---|---|---|---|---|---|"]);
        var all = Phases.Select(p => ("", p))
            .Concat(Scale is null ? [] : [("", Scale.Two)])
            .Concat(DataGrowth?.Phases.Select(p => ($"{DataGrowth.Preloaded:N0} stored: ", p)) ?? []);
        foreach (var (label, phase) in all)
        {
            rows.AddRange(phase.Crms.Select(crm => string.Create(c,
                $"| {label}{phase.Name} | {phase.AcceptedPerSecond:0.0} | {phase.PostP50Ms} / {phase.PostP99Ms} | {crm.DeliveredPerSecond:0.0} | {crm.P50Ms} / {crm.P95Ms} / {crm.P99Ms} / {crm.MaxMs} | {phase.CpuMsPerLead:0.00} | {phase.SwitchesPerLead:0} |")));
        }
        return string.Join('\n', rows) + "\n";
    }
}
