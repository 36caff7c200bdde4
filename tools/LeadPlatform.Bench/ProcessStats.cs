using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>CPU time of a process (or several), and the context switches of each of its threads so far.</summary>
public sealed record ProcessSample(double CpuSeconds, IReadOnlyDictionary<int, long> SwitchesByThread)
{
    public static readonly ProcessSample None = new(0, new Dictionary<int, long>());

    public static ProcessSample operator +(ProcessSample a, ProcessSample b) =>
        new(a.CpuSeconds + b.CpuSeconds, a.SwitchesByThread.Concat(b.SwitchesByThread).ToDictionary(t => t.Key, t => t.Value));

    /// <summary>
    /// CPU seconds and context switches since <paramref name="earlier"/>. Threads that ended meanwhile took their
    /// switches with them (the thread pool retires idle workers), so the switches are a lower bound.
    /// </summary>
    public (double CpuSeconds, long ContextSwitches) Since(ProcessSample earlier) =>
        (CpuSeconds - earlier.CpuSeconds,
            SwitchesByThread.Sum(t => Math.Max(0, t.Value - earlier.SwitchesByThread.GetValueOrDefault(t.Key))));
}

/// <summary>CPU time, context switches and resident memory of processes, from /proc (Linux).</summary>
public static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every mainstream Linux

    /// <summary>utime + stime in seconds; with <paramref name="reapedChildren"/>, also the CPU of children it has waited for.</summary>
    public static double CpuSeconds(int pid, bool reapedChildren = false)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0; // ended meanwhile
        }
        // Fields after the ")" of the command name; utime, stime, cutime, cstime are fields 14-17 (1-based).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = Enumerable.Range(11, reapedChildren ? 4 : 2).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return ticks / TicksPerSecond;
    }

    /// <summary>
    /// Voluntary and involuntary context switches of each of the process's threads. A voluntary one is a thread going
    /// to sleep to be woken later, so this counts wake-ups.
    /// </summary>
    public static Dictionary<int, long> ContextSwitches(int pid)
    {
        var byThread = new Dictionary<int, long>();
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return byThread; // the process ended
        }
        foreach (var task in tasks)
        {
            try
            {
                byThread[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = File.ReadLines(Path.Combine(task, "status"))
                    .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l[(l.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // This thread ended meanwhile. Only it is left out: a live thread missing from the earlier sample
                // would count its whole life's switches as the phase's.
            }
        }
        return byThread;
    }

    public static ProcessSample Sample(int pid, bool reapedChildren = false) => new(CpuSeconds(pid, reapedChildren), ContextSwitches(pid));

    public static double RssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// CPU seconds and context switches of every process named <paramref name="command"/> (e.g. all PostgreSQL
    /// backends), counting the CPU (not the switches) of ended backends through their parent's reaped-children time.
    /// Includes other users of the same server.
    /// </summary>
    public static ProcessSample SampleOfAll(string command)
    {
        var total = ProcessSample.None;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Command(pid) == command)
            {
                total += Sample(pid, reapedChildren: true);
            }
        }
        return total;
    }

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
