using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>CPU time and resident memory of processes, from /proc (Linux).</summary>
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

    public static double RssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// CPU seconds of every process named <paramref name="command"/> (e.g. all PostgreSQL backends), counting what
    /// ended backends used through their parent's reaped-children time. Includes other users of the same server.
    /// </summary>
    public static double CpuSecondsOfAll(string command)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Command(pid) == command)
            {
                total += CpuSeconds(pid, reapedChildren: true);
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
