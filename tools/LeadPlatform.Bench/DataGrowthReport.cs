using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>The same phases again with <see cref="Preloaded"/> leads and their history stored, and what the data takes.</summary>
public sealed record DataGrowthReport(long Preloaded, double LoadSeconds, IReadOnlyList<PhaseReport> Phases,
    IReadOnlyList<RelationSize> EmptySizes, IReadOnlyList<RelationSize> Sizes)
{
    public void Print(IReadOnlyList<PhaseReport> empty)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"data growth: {Preloaded:N0} leads preloaded in {LoadSeconds:0} s (COPY, indexes rebuilt, vacuum analyze)"));
        RelationSizes.Print(Sizes);
        foreach (var phase in Phases)
        {
            BenchReport.PrintPhase(phase, string.Create(c, $"{Preloaded:N0} stored, "));
        }
        Console.WriteLine();
        Console.WriteLine("  beside the empty database (same run):");
        foreach (var phase in Phases)
        {
            if (empty.FirstOrDefault(p => p.Name == phase.Name) is { } before)
            {
                Console.WriteLine(string.Create(c,
                    $"  {phase.Name,-20} POST p99 {before.PostP99Ms,7} -> {phase.PostP99Ms,7} ms   CPU-ms per lead {before.CpuMsPerLead,5:0.00} -> {phase.CpuMsPerLead,5:0.00}   accept->deliver p99 {before.P99Ms} -> {phase.P99Ms} ms   delivered/s {before.DeliveredPerSecond:0} -> {phase.DeliveredPerSecond:0}"));
            }
        }
    }
}
