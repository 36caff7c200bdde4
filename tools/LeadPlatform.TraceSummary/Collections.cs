using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Analysis;
using Microsoft.Diagnostics.Tracing.Analysis.GC;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
using TraceLog = Microsoft.Diagnostics.Tracing.Etlx.TraceLog;

namespace LeadPlatform.TraceSummary;

/// <summary>
/// The service's garbage collections from a trace of the runtime's GC keyword (TraceEvent's GC analysis): per
/// generation how many, how long the threads were stopped and how much of that was spent stopping them, what survived;
/// and, for the blocking ones, what kind of root kept alive what they found alive.
/// </summary>
public static class Collections
{
    public static void Print(TraceLog trace, int top, TextWriter output)
    {
        var source = trace.Events.GetSource();
        source.NeedLoadedDotNetRuntimes();
        source.Process();
        var gcs = source.Processes().SelectMany(p => p.LoadedDotNetRuntime()?.GC.GCs ?? []).Where(g => g.PauseDurationMSec > 0).ToList();
        if (gcs.Count == 0)
        {
            output.WriteLine("no collections: was the trace taken with the GC keyword (build/profile.sh gc)?");
            return;
        }
        var seconds = (gcs[^1].StartRelativeMSec - gcs[0].StartRelativeMSec) / 1000;
        output.WriteLine($"{gcs.Count} GCs in {seconds:0.0} s, threads stopped {gcs.Sum(g => g.PauseDurationMSec):0} ms in all");
        output.WriteLine("\ngen  type        count  pause ms: median  max  total   of it suspending: median max   promoted MB: median");
        foreach (var kind in gcs.GroupBy(g => (g.Generation, g.Type)).OrderBy(k => k.Key.Generation))
        {
            var pauses = kind.Select(g => g.PauseDurationMSec).Order().ToList();
            var suspends = kind.Select(g => g.SuspendDurationMSec).Order().ToList();
            var promoted = kind.Select(g => g.PromotedMB).Order().ToList();
            output.WriteLine($"{kind.Key.Generation,3}  {kind.Key.Type,-10} {pauses.Count,6}  {Median(pauses),15:0.0} {pauses[^1],4:0} {pauses.Sum(),6:0}"
                + $"   {Median(suspends),17:0.0} {suspends[^1],3:0}   {Median(promoted),18:0.0}");
        }
        PrintPromotedByRoot(gcs, output);
        output.WriteLine($"\nthe {top} longest:");
        foreach (var gc in gcs.OrderByDescending(g => g.PauseDurationMSec).Take(top))
        {
            output.WriteLine($"  #{gc.Number} gen{gc.Generation} {gc.Type} ({gc.Reason}) at {gc.StartRelativeMSec / 1000:0.000} s: paused {gc.PauseDurationMSec:0.0} ms"
                + $" (suspending {gc.SuspendDurationMSec:0.0}), heap {gc.HeapSizeBeforeMB:0} -> {gc.HeapSizeAfterMB:0} MB, promoted {gc.PromotedMB:0.0} MB");
        }
    }

    /// <summary>
    /// What the blocking collections found alive, by the kind of root it was reached from (GCMarkWithType): the stacks,
    /// handles, or older generations' objects pointing at young ones (MarkOlder, found through the card table).
    /// </summary>
    private static void PrintPromotedByRoot(List<TraceGC> gcs, TextWriter output)
    {
        var byRoot = new Dictionary<string, double>();
        foreach (var info in gcs.Where(g => g.PerHeapMarkTimes is not null).SelectMany(g => g.PerHeapMarkTimes.Values))
        {
            for (var root = 0; root < info.MarkPromoted.Length; root++)
            {
                var name = ((MarkRootType)root).ToString();
                byRoot[name] = byRoot.GetValueOrDefault(name) + info.MarkPromoted[root];
            }
        }
        var total = byRoot.Values.Where(v => v > 0).Sum();
        if (total > 0)
        {
            TraceFile.PrintShares(output, $"found alive, by root ({total / 1e6:0} MB in all)",
                byRoot.Where(r => r.Value > 0).ToDictionary(), total, byRoot.Count);
        }
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];
}
