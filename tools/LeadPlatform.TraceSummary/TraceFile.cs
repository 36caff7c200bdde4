using Microsoft.Diagnostics.Tracing.Etlx;

namespace LeadPlatform.TraceSummary;

/// <summary>A .nettrace converted for stack look-ups (TraceEvent's TraceLog), and the frames of one event's stack.</summary>
public static class TraceFile
{
    public static TraceLog Open(string path) => new(TraceLog.CreateFromEventPipeDataFile(path));

    /// <summary>Method names from the innermost frame out; frames without a name (native code) are left out.</summary>
    public static List<string> Frames(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            if (frame.CodeAddress.FullMethodName is { Length: > 0 } method)
            {
                frames.Add(Short(method));
            }
        }
        return frames;
    }

    /// <summary>Without the parameter list, which for generic async state machines runs to hundreds of characters.</summary>
    private static string Short(string method) => method.IndexOf('(') is var at and > 0 ? method[..at] : method;

    public static void PrintShares(TextWriter output, string title, Dictionary<string, double> amounts, double total, int top)
    {
        output.WriteLine($"\n{title}");
        foreach (var (name, amount) in amounts.OrderByDescending(a => a.Value).Take(top))
        {
            output.WriteLine($"  {100 * amount / total,5:0.0} %  {name}");
        }
    }
}
