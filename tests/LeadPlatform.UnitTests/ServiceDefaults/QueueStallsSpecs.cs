using LeadPlatform.ServiceDefaults.Watchdog;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>The watchdog's verdict: a queue counts as abandoned only when stalled for the whole grace period.</summary>
public class QueueStallsSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly QueueState Waiting = new(Messages: 12, Consumers: 0);

    [Test]
    public void A_queue_with_messages_and_no_consumer_for_the_grace_period_is_named()
    {
        var stalls = new QueueStalls(TimeSpan.FromSeconds(20));
        stalls.Observe("ingestion-delivery-view", Waiting, T0);
        stalls.Observe("ingestion-delivery-view", Waiting, T0.AddSeconds(10));

        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(19)), Is.Null);
        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(20)), Is.EqualTo("ingestion-delivery-view"));
    }

    [TestCase(0, 0, TestName = "An empty queue with no consumer is not stalled")]
    [TestCase(12, 1, TestName = "A queue with messages and a consumer is not stalled")]
    public void Not_stalled(long messages, long consumers)
    {
        var stalls = new QueueStalls(TimeSpan.FromSeconds(20));
        stalls.Observe("q", new QueueState(messages, consumers), T0);

        Assert.That(stalls.StalledLongerThanGrace(T0.AddMinutes(5)), Is.Null);
    }

    [Test]
    public void One_observation_of_a_consumer_starts_the_grace_period_over()
    {
        var stalls = new QueueStalls(TimeSpan.FromSeconds(20));
        stalls.Observe("q", Waiting, T0);
        stalls.Observe("q", new QueueState(12, 1), T0.AddSeconds(15));
        stalls.Observe("q", Waiting, T0.AddSeconds(16));

        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(30)), Is.Null);
        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(36)), Is.EqualTo("q"));
    }

    [Test]
    public void A_round_that_could_not_ask_the_broker_is_no_evidence()
    {
        var stalls = new QueueStalls(TimeSpan.FromSeconds(20));
        stalls.Observe("a", Waiting, T0);
        stalls.Observe("b", Waiting, T0);
        stalls.Forget("a");

        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(25)), Is.EqualTo("b"));
        stalls.Clear();
        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(25)), Is.Null);
    }

    [Test]
    public void A_queue_no_longer_watched_is_dropped_with_its_history()
    {
        var stalls = new QueueStalls(TimeSpan.FromSeconds(20));
        stalls.Observe("faulted-endpoint", Waiting, T0);
        stalls.Observe("ready-endpoint", Waiting, T0.AddSeconds(5));
        stalls.Retain(["ready-endpoint"]);

        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(21)), Is.Null);
        Assert.That(stalls.StalledLongerThanGrace(T0.AddSeconds(25)), Is.EqualTo("ready-endpoint"));
    }
}
