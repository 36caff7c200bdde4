using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace LeadPlatform.TraceSummary;

/// <summary>Exceptions thrown (the runtime's Exception keyword), caught or not, grouped by type, message and stack.</summary>
public static class Exceptions
{
    public static void Print(TraceLog trace, int top, TextWriter output)
    {
        var counts = new Dictionary<string, int>();
        var source = trace.Events.GetSource();
        source.Clr.ExceptionStart += (ExceptionTraceData e) =>
        {
            var key = $"{e.ExceptionType}: {e.ExceptionMessage}\n          at "
                + string.Join("\n          at ", TraceFile.Frames(e.CallStack()).Take(6));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        };
        source.Process();
        output.WriteLine($"{counts.Values.Sum()} exceptions");
        foreach (var (key, count) in counts.OrderByDescending(c => c.Value).Take(top))
        {
            output.WriteLine($"\n{count,6}  {key}");
        }
    }
}
