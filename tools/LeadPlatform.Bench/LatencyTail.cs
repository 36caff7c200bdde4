using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>A delivered lead as the tail sees it: when it was accepted, how long it took, and each stage's time (null: unknown).</summary>
public sealed record TimedLead(DateTime AcceptedAt, double Ms, IReadOnlyList<(string Stage, double? Ms)> Stages);

/// <summary>
/// Where in time a phase's slowest 1 % of leads (above its p99) were accepted. A tail spread over most of the phase's
/// seconds is queueing under a steady load; one held by a few seconds is a stall (a checkpoint, the broker's log
/// rolling over, a garbage collection) that the p99 then reports, and the stage that took longest in it says whose.
/// The worst seconds are UTC, to match with logs.
/// </summary>
public sealed record LatencyTail(int Seconds, int Leads, int SecondsWithTail, IReadOnlyList<TailSecond> Worst)
{
    public static LatencyTail Of(IReadOnlyCollection<TimedLead> leads, double p99Ms)
    {
        var accepted = leads.CountBy(l => Second(l.AcceptedAt)).ToDictionary();
        var slow = leads.Where(l => l.Ms > p99Ms).ToList();
        var bySecond = slow.GroupBy(l => Second(l.AcceptedAt))
            .Select(g =>
            {
                var slowest = g.SelectMany(l => l.Stages).Where(s => s.Ms is not null).DefaultIfEmpty().MaxBy(s => s.Ms);
                return new TailSecond(g.Key, g.Count(), accepted[g.Key], Math.Round(g.Max(l => l.Ms), 1),
                    slowest.Stage, slowest.Ms is { } ms ? Math.Round(ms, 1) : null);
            })
            .OrderByDescending(s => s.Leads).ToList();
        return new(accepted.Count, slow.Count, bySecond.Count, bySecond.Take(3).ToList());
    }

    public string Text => Leads == 0 ? "no lead above p99" : string.Create(CultureInfo.InvariantCulture,
        $"{Leads} leads above p99 were accepted in {SecondsWithTail} of {Seconds} s; most in {string.Join(", ", Worst.Select(s => s.Text))}");

    private static DateTime Second(DateTime at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));
}

/// <summary>
/// A second of the phase: its leads above p99, all the leads accepted in it (a burst shows), the slowest, and the
/// longest single stage among its slow leads.
/// </summary>
public sealed record TailSecond(DateTime At, int Leads, int Accepted, double MaxMs, string? SlowestStage = null, double? SlowestStageMs = null)
{
    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"{At:HH:mm:ss} ({Leads} of {Accepted}, max {MaxMs} ms{(SlowestStage is null ? "" : $"; {SlowestStage} up to {SlowestStageMs} ms")})");
}
