using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace LeadPlatform.TraceSummary;

/// <summary>
/// Allocations from a <c>gc-verbose</c> trace: the runtime samples one allocation per ~100 KB (GCAllocationTick) with
/// its type and stack, so shares are of sampled bytes. The "first frame" is the innermost one in the platform's own
/// code or a library it calls (MassTransit, Npgsql, ...): below it is .NET, which allocates on its behalf.
/// </summary>
public static class Allocations
{
    private static readonly string[] Owners =
        ["LeadPlatform.", "MassTransit.", "Npgsql.", "RabbitMQ.", "Microsoft.AspNetCore.", "Microsoft.Extensions.", "OpenTelemetry.", "Dapper."];

    public static void Print(TraceLog trace, int top, TextWriter output)
    {
        var byType = new Dictionary<string, double>();
        var byFirstFrame = new Dictionary<string, double>();
        double total = 0;
        int collections = 0;
        double first = double.MaxValue, last = 0;
        var source = trace.Events.GetSource();
        source.Clr.GCAllocationTick += (GCAllocationTickTraceData e) =>
        {
            total += e.AllocationAmount64;
            first = Math.Min(first, e.TimeStampRelativeMSec);
            last = Math.Max(last, e.TimeStampRelativeMSec);
            byType[e.TypeName] = byType.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
            var owner = TraceFile.Frames(e.CallStack()).FirstOrDefault(f => Owners.Any(f.StartsWith)) ?? "(.NET only)";
            byFirstFrame[owner] = byFirstFrame.GetValueOrDefault(owner) + e.AllocationAmount64;
        };
        source.Clr.GCStart += _ => collections++;
        source.Process();
        if (total == 0)
        {
            output.WriteLine("no allocation samples: was the trace taken with --profile gc-verbose?");
            return;
        }
        output.WriteLine($"{total / 1e6:0.0} MB allocated (sampled) in {(last - first) / 1000:0.0} s, {collections} GCs");
        TraceFile.PrintShares(output, "by type", byType, total, top);
        TraceFile.PrintShares(output, "by first frame of the platform's or a library's code", byFirstFrame, total, top);
    }
}
