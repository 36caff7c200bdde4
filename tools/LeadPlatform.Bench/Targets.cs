using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>One figure of issue 22 beside its target; Pass is null when the run did not measure it.</summary>
public sealed record TargetResult(string Name, string Figure, string Target, bool? Pass, string? Note = null)
{
    public string Verdict => Pass switch { true => "PASS", false => "FAIL", null => "-" };
}

/// <summary>The targets of issue 22, evaluated on one run's report.</summary>
public static class Targets
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IReadOnlyList<TargetResult> Evaluate(BenchReport report)
    {
        var results = new List<TargetResult>();
        var shortRun = report.DurationSeconds < 60 ? "phase shorter than the 60 s the target asks" : null;

        var max = report.Phases.FirstOrDefault(p => p.Name.StartsWith("max", StringComparison.Ordinal));
        if (max is not null)
        {
            results.Add(new("max rate: delivered leads/s", F($"{max.DeliveredPerSecond:0}/s"), ">= 3,000/s sustained 60 s",
                max.DeliveredPerSecond >= 3000, shortRun));
            results.Add(new("max rate: CPU-ms per lead, all processes", F($"{max.CpuMsPerLead:0.00}"), "<= 0.6", max.CpuMsPerLead <= 0.6));
        }
        if (Fixed(report.Phases, 1000) is { } thousand)
        {
            var behind = BehindNote(thousand, report.DurationSeconds);
            results.Add(new("1,000/s offered: every lead delivered", F($"{thousand.Delivered} of {thousand.Offered}"), "all",
                thousand.Delivered == thousand.Offered && thousand.Refused == 0 && thousand.Failed == 0, behind));
            results.Add(new("1,000/s offered: p99 accept->deliver", F($"{thousand.P99Ms} ms"), "< 50 ms", thousand.P99Ms < 50, behind));
        }
        else
        {
            results.Add(new("1,000/s offered", "not run", "all delivered, p99 < 50 ms", null, "--rates without 1000"));
        }
        if (Fixed(report.Phases, 250) is { } quarter)
        {
            var behind = BehindNote(quarter, report.DurationSeconds);
            results.Add(new("250/s: CPU-ms per lead, all processes", F($"{quarter.CpuMsPerLead:0.00}"), "<= 2.5", quarter.CpuMsPerLead <= 2.5, behind));
            results.Add(new("250/s: p99 accept->deliver", F($"{quarter.P99Ms} ms"), "< 25 ms", quarter.P99Ms < 25, behind));
        }
        else
        {
            results.Add(new("250/s", "not run", "<= 2.5 CPU-ms per lead, p99 < 25 ms", null, "--rates without 250"));
        }
        var hop = report.BusHopMessagesPerSecond / report.BaselineMessagesPerSecond;
        results.Add(new("bus hop vs raw RabbitMQ.Client", F($"{hop:P1} ({report.BusHopMessagesPerSecond:0} of {report.BaselineMessagesPerSecond:0} msg/s)"),
            ">= 75 %", hop >= 0.75));
        results.AddRange(DataGrowth(report));
        results.AddRange(Soak(report.Soak));
        results.Add(report.Scale is { } scale
            ? new("scale: two connectors vs one", F($"{scale.Two.DeliveredPerSecond:0}/s ({string.Join(" + ", scale.Instances.Select(i => i.DeliveredPerSecond.ToString("0", C)))}) vs {scale.One.DeliveredPerSecond:0}/s"),
                "two >= one", scale.Two.DeliveredPerSecond >= scale.One.DeliveredPerSecond)
            : new("scale: two connectors vs one", "not run", "two >= one", null, "--no-scale"));
        if (report.Scale is { DrainOne: { } drainOne, DrainTwo: { } drainTwo })
        {
            results.Add(new("scale: a backlog drained, two vs one", F($"{drainTwo.DeliveredPerSecond:0}/s ({string.Join(" + ", drainTwo.PerInstance.Select(i => i.DeliveredPerSecond.ToString("0", C)))}) vs {drainOne.DeliveredPerSecond:0}/s"),
                "two >= one", drainTwo.DeliveredPerSecond >= drainOne.DeliveredPerSecond && drainOne.Complete && drainTwo.Complete,
                drainOne.Complete && drainTwo.Complete ? null : "a drain left leads undelivered after 120 s"));
        }
        return results;
    }

    private static IEnumerable<TargetResult> DataGrowth(BenchReport report)
    {
        if (report.DataGrowth is not { } growth)
        {
            yield return new("data growth", "not run", "POST p99, CPU-ms per lead within 10 % with 10M stored", null, "--preload N");
            yield break;
        }
        var note = growth.Preloaded < 10_000_000 ? F($"{growth.Preloaded:N0} stored; the target says 10,000,000") : null;
        foreach (var loaded in growth.Phases)
        {
            if (report.Phases.FirstOrDefault(p => p.Name == loaded.Name) is not { } empty)
            {
                continue;
            }
            yield return Within10($"data growth, {loaded.Name}: POST p99", empty.PostP99Ms, loaded.PostP99Ms, " ms", note);
            yield return Within10($"data growth, {loaded.Name}: CPU-ms per lead", empty.CpuMsPerLead, loaded.CpuMsPerLead, "", note);
        }
    }

    private static TargetResult Within10(string name, double empty, double loaded, string unit, string? note)
    {
        var change = empty == 0 ? 0 : loaded / empty - 1;
        return new(name, F($"{loaded}{unit} vs {empty}{unit} empty ({change:+0.0%;-0.0%})"), "within +10 %", change <= 0.10, note);
    }

    private static IEnumerable<TargetResult> Soak(SoakReport? soak)
    {
        const string name = "soak";
        if (soak is null)
        {
            yield return new(name, "not run", "30 min at 250/s: RSS < +10 %, p99 flat, outbox and ledger bounded", null, "--soak [minutes]");
            yield break;
        }
        var note = soak.Minutes.Count < 30 ? F($"{soak.Minutes.Count} min; the target says 30") : null;
        foreach (var growth in soak.RssGrowth)
        {
            var standIn = growth.Service == "sandbox";
            yield return new(F($"soak: RSS growth after warm-up, {growth.Service}"), F($"{growth.FromMb:0} -> {growth.ToMb:0} MB ({growth.Growth:+0.0%;-0.0%})"),
                "< +10 %", standIn ? null : growth.Growth < 0.10, standIn ? "the CRM stand-in: reported, not judged" : note);
        }
        var settled = soak.Minutes.Count - soak.WarmupMinutes;
        yield return new("soak: per-minute p99 flat", F($"{soak.P99First:0.0} -> {soak.P99Last:0.0} ms (median, first vs last third)"),
            "last third <= first third + 25 %", settled < 3 ? null : soak.P99Flat,
            settled < 3 ? "fewer than 3 minutes after warm-up: too short to tell" : note);
        yield return new("soak: outbox rows bounded by retention", F($"max {soak.OutboxRowsMax} rows after warm-up"),
            F($"<= {soak.RowBound}"), soak.OutboxRowsMax <= soak.RowBound, note);
        yield return new("soak: ledger rows holding a lead bounded", F($"max {soak.LedgerLeadRowsMax} rows after warm-up"),
            F($"<= {soak.RowBound}"), soak.LedgerLeadRowsMax <= soak.RowBound,
            "ledger rows themselves are kept (idempotency); retention strips their lead");
    }

    /// <summary>An open-loop phase whose POSTs took longer than its duration did not offer its rate.</summary>
    private static string? BehindNote(PhaseReport phase, double duration) =>
        phase.Seconds > duration * 1.1 ? F($"offered only {phase.Offered / phase.Seconds:0}/s: the load generator fell behind") : null;

    private static PhaseReport? Fixed(IEnumerable<PhaseReport> phases, int rate) => phases.FirstOrDefault(p => p.Name == $"fixed-{rate}");

    private static string F(FormattableString text) => text.ToString(C);
}
