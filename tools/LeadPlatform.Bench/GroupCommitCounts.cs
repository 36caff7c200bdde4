using System.Text.RegularExpressions;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Bench;

/// <summary>One named group commit over a phase: writes, commits, writes per commit, and commits per delivered lead.</summary>
public sealed record CommitReport(string Writer, long Writes, long Commits, double WritesPerCommit, double CommitsPerLead);

/// <summary>
/// The services' group commits, from the batch-size histogram each one exports at <c>/metrics</c>
/// (<see cref="GroupCommitMetrics"/>): its sum is the writes, its count the commits. Read before and after a phase,
/// the difference says how many commits (each a round trip and a flush) a lead cost at that rate.
/// </summary>
public static partial class GroupCommitCounts
{
    private static readonly string Metric = GroupCommitMetrics.InstrumentName.Replace('.', '_');

    [GeneratedRegex("writer=\"(?<writer>[^\"]+)\"")]
    private static partial Regex Writer();

    /// <summary>Writes and commits so far, by service and writer, from one scrape of each service.</summary>
    public static Dictionary<string, (double Writes, double Commits)> Read(Dictionary<string, List<PrometheusSample>> scrapes)
    {
        var totals = new Dictionary<string, (double Writes, double Commits)>();
        foreach (var (service, samples) in scrapes)
        {
            foreach (var sample in samples)
            {
                var isSum = sample.Name == Metric + "_sum";
                if ((!isSum && sample.Name != Metric + "_count") || Writer().Match(sample.Labels) is not { Success: true } writer)
                {
                    continue;
                }
                var key = $"{service}/{writer.Groups["writer"].Value}";
                var (writes, commits) = totals.GetValueOrDefault(key);
                totals[key] = isSum ? (writes + sample.Value, commits) : (writes, commits + sample.Value);
            }
        }
        return totals;
    }

    public static List<CommitReport> Between(Dictionary<string, (double Writes, double Commits)> before,
        Dictionary<string, (double Writes, double Commits)> after, long delivered) =>
        after.Select(a =>
        {
            var (writes0, commits0) = before.GetValueOrDefault(a.Key);
            var writes = (long)(a.Value.Writes - writes0);
            var commits = (long)(a.Value.Commits - commits0);
            return new CommitReport(a.Key, writes, commits, commits == 0 ? 0 : Math.Round((double)writes / commits, 2),
                delivered == 0 ? 0 : Math.Round((double)commits / delivered, 3));
        }).Where(r => r.Commits > 0).OrderBy(r => r.Writer, StringComparer.Ordinal).ToList();
}
