using LeadPlatform.Bench;

namespace LeadPlatform.UnitTests.Tools;

/// <summary>The bench's account of when a phase's slowest leads were accepted: a stall shows as a few seconds.</summary>
public class LatencyTailSpecs
{
    private static readonly DateTime Start = new(2026, 12, 6, 7, 0, 0, DateTimeKind.Utc);

    [Test]
    public void A_stall_holds_the_tail_in_the_seconds_it_lasted()
    {
        // 100 s at 10 leads/s of 5 ms, but every lead accepted in seconds 40 and 41 took 300 ms, 287 of them queued.
        var leads = Enumerable.Range(0, 1000)
            .Select(i => i / 10 is 40 or 41 ? Lead(i, relayMs: 10, queueMs: 287) : Lead(i, relayMs: 1, queueMs: 1))
            .ToList();

        var tail = LatencyTail.Of(leads, p99Ms: 5);

        Assert.That(tail.Seconds, Is.EqualTo(100));
        Assert.That(tail.Leads, Is.EqualTo(20));
        Assert.That(tail.SecondsWithTail, Is.EqualTo(2));
        Assert.That(tail.Worst.Select(s => s.At), Is.EquivalentTo(new[] { Start.AddSeconds(40), Start.AddSeconds(41) }));
        Assert.That(tail.Text, Does.Contain("20 leads above p99 were accepted in 2 of 100 s").And.Contain("07:00:40 (10 of 10, max 300 ms; queued up to 287 ms)"));
    }

    [Test]
    public void Queueing_spreads_the_tail_over_the_phase()
    {
        var leads = Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? Lead(i, relayMs: 80, queueMs: 5) : Lead(i, relayMs: 1, queueMs: 1)).ToList();

        var tail = LatencyTail.Of(leads, p99Ms: 5);

        Assert.That(tail.SecondsWithTail, Is.EqualTo(100));
        Assert.That(tail.Worst.All(s => s.Leads == 1 && s.SlowestStage == "relayed"), Is.True);
    }

    [Test]
    public void A_stage_nobody_measured_is_not_named()
    {
        var leads = Enumerable.Range(0, 100).Select(i => new TimedLead(Start.AddMilliseconds(i * 100), i == 50 ? 90 : 5, [("relayed", null)])).ToList();

        var tail = LatencyTail.Of(leads, p99Ms: 5);

        Assert.That(tail.Worst.Single().SlowestStage, Is.Null);
        Assert.That(tail.Text, Does.EndWith("max 90 ms)"));
    }

    /// <summary>The i-th lead, accepted every 100 ms, its time the sum of two stages and 3 ms of delivery.</summary>
    private static TimedLead Lead(int i, double relayMs, double queueMs) =>
        new(Start.AddMilliseconds(i * 100), relayMs + queueMs + 3, [("relayed", relayMs), ("queued", queueMs), ("delivered", 3)]);
}
