using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Bench;

/// <summary>CPU % of one core over the phase, RSS (services only), and CPU-milliseconds per delivered lead.</summary>
public sealed record ProcessReport(string Name, double CpuPercent, double RssMb, double CpuMsPerLead);

public sealed record CrmReport(string Crm, int Delivered, double DeliveredPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    IReadOnlyList<StageReport> Stages);

/// <summary>
/// Where acceptance-to-delivery time went: until the relay took the outbox row, until the connector claimed the
/// delivery (broker hop and consumer queue), and the connector's work (CRM calls and ledger writes).
/// </summary>
public sealed record StageReport(string Name, double P50Ms, double P99Ms)
{
    public static StageReport Of(string name, List<double> sorted) =>
        new(name, PipelineBench.Percentile(sorted, 50), PipelineBench.Percentile(sorted, 99));
}

public sealed record PhaseReport(string Name, double Seconds, int Accepted, double AcceptedPerSecond, int Refused, int Failed,
    double PostP50Ms, double PostP99Ms, long Delivered, IReadOnlyList<CrmReport> Crms, IReadOnlyList<ProcessReport> Processes);

public sealed record BenchReport(DateTimeOffset At, int Cores, double DurationSeconds, IReadOnlyList<PhaseReport> Phases,
    double BaselineMessagesPerSecond, double BusHopMessagesPerSecond)
{
    public void Print()
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"LeadPlatform benchmark {At:u}, {Cores} cores, {DurationSeconds:0} s per phase"));
        Console.WriteLine(string.Create(c, $"baseline RabbitMQ.Client (persistent, confirms, quorum queue): {BaselineMessagesPerSecond:0} msg/s"));
        Console.WriteLine(string.Create(c, $"bus hop, MassTransit as configured here (publish -> consume): {BusHopMessagesPerSecond:0} msg/s = {BusHopMessagesPerSecond / BaselineMessagesPerSecond:P1} of baseline"));
        foreach (var phase in Phases)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(c, $"{phase.Name}: accepted {phase.AcceptedPerSecond:0.0}/s ({phase.Accepted}, refused {phase.Refused}, failed {phase.Failed}), POST p50 {phase.PostP50Ms} ms p99 {phase.PostP99Ms} ms"));
            foreach (var crm in phase.Crms)
            {
                Console.WriteLine(string.Create(c,
                    $"  {crm.Crm,-10} delivered {crm.DeliveredPerSecond,7:0.0}/s ({crm.Delivered})  accept->deliver p50 {crm.P50Ms} p95 {crm.P95Ms} p99 {crm.P99Ms} max {crm.MaxMs} ms  = {crm.DeliveredPerSecond / BaselineMessagesPerSecond:P1} of baseline"));
                Console.WriteLine("             stages p50/p99 ms: " + string.Join(", ", crm.Stages.Select(s => string.Create(c, $"{s.Name} {s.P50Ms}/{s.P99Ms}"))));
            }
            foreach (var process in phase.Processes)
            {
                Console.WriteLine(string.Create(c, $"  {process.Name,-20} cpu {process.CpuPercent,6:0.0}%  rss {process.RssMb,7:0.0} MB  {process.CpuMsPerLead,6:0.00} cpu-ms/lead"));
            }
            var perLead = phase.Processes.Sum(p => p.CpuMsPerLead);
            if (perLead > 0)
            {
                Console.WriteLine(string.Create(c, $"  all                  {perLead:0.00} cpu-ms per delivered lead: at most {Cores * 1000 / perLead:0} leads/s on {Cores} cores"));
            }
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

    /// <summary>One row per phase and CRM, in markdown.</summary>
    public string Table()
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<string>
        {
            string.Create(c, $"{At:u}, {Cores} cores, {DurationSeconds:0} s per phase; baseline {BaselineMessagesPerSecond:0} msg/s, bus hop {BusHopMessagesPerSecond:0} msg/s ({BusHopMessagesPerSecond / BaselineMessagesPerSecond:P1})"),
            "",
            "| phase | accepted/s | POST p50 / p99 ms | CRM | delivered/s | accept->deliver p50 / p95 / p99 / max ms | CPU-ms per lead |",
            "|---|---|---|---|---|---|---|",
        };
        foreach (var phase in Phases)
        {
            var perLead = phase.Processes.Sum(p => p.CpuMsPerLead);
            rows.AddRange(phase.Crms.Select(crm => string.Create(c,
                $"| {phase.Name} | {phase.AcceptedPerSecond:0.0} | {phase.PostP50Ms} / {phase.PostP99Ms} | {crm.Crm} | {crm.DeliveredPerSecond:0.0} | {crm.P50Ms} / {crm.P95Ms} / {crm.P99Ms} / {crm.MaxMs} | {perLead:0.00} |")));
        }
        return string.Join('\n', rows) + "\n";
    }
}
