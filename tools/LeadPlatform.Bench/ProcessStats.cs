using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>CPU time and resident memory of a process, from /proc (Linux).</summary>
public static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every mainstream Linux

    /// <summary>utime + stime in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the ")" of the command name; utime and stime are fields 14 and 15 (1-based).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    public static double RssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
