using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Watchdog;

namespace LeadPlatform.UnitTests.ServiceDefaults;

public class PublishHealthSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan PastItsBound = BoundedPublish.Limit + PublishHealth.Slack;

    [Test]
    public void A_publish_in_flight_within_its_bound_and_slack_is_not_wedged()
    {
        var health = new PublishHealth();
        health.Started(T0);
        Assert.That(health.Wedged(T0 + PastItsBound, brokerAnsweringSince: T0), Is.False);
    }

    [Test]
    public void A_publish_still_in_flight_past_its_bound_and_slack_is_wedged()
    {
        var health = new PublishHealth();
        health.Started(T0);
        Assert.That(health.Wedged(T0 + PastItsBound + TimeSpan.FromMilliseconds(1), brokerAnsweringSince: T0), Is.True);
    }

    [Test]
    public void A_publish_that_ended_is_no_longer_in_flight()
    {
        var health = new PublishHealth();
        health.Ended(health.Started(T0), timedOut: false, T0 + TimeSpan.FromSeconds(1));
        Assert.That(health.Wedged(T0 + TimeSpan.FromMinutes(5), brokerAnsweringSince: T0), Is.False);
    }

    [Test]
    public void One_timeout_and_then_nothing_to_publish_is_not_wedged()
    {
        var health = new PublishHealth();
        health.Ended(health.Started(T0), timedOut: true, T0 + BoundedPublish.Limit);
        Assert.That(health.Wedged(T0 + TimeSpan.FromMinutes(5), brokerAnsweringSince: T0), Is.False);
    }

    [Test]
    public void Two_timeouts_with_none_succeeding_since_the_broker_answers_are_wedged()
    {
        var health = new PublishHealth();
        health.Ended(health.Started(T0), timedOut: true, T0 + BoundedPublish.Limit);
        health.Ended(health.Started(T0), timedOut: true, T0 + 2 * BoundedPublish.Limit);
        Assert.That(health.Wedged(T0 + 2 * BoundedPublish.Limit, brokerAnsweringSince: T0), Is.True);
    }

    [Test]
    public void Timeouts_while_the_broker_was_away_do_not_count()
    {
        var health = new PublishHealth();
        health.Ended(health.Started(T0), timedOut: true, T0 + BoundedPublish.Limit);
        health.Ended(health.Started(T0), timedOut: true, T0 + 2 * BoundedPublish.Limit);
        var answering = T0 + 2 * BoundedPublish.Limit + TimeSpan.FromSeconds(1);
        Assert.That(health.Wedged(answering + TimeSpan.FromSeconds(10), answering), Is.False);
        health.Ended(health.Started(answering), timedOut: true, answering + BoundedPublish.Limit);
        Assert.That(health.Wedged(answering + BoundedPublish.Limit, answering), Is.False, "one timeout since the broker answers");
    }

    [Test]
    public void A_publish_that_succeeds_since_the_broker_answers_clears_the_timeouts()
    {
        var health = new PublishHealth();
        health.Ended(health.Started(T0), timedOut: true, T0 + TimeSpan.FromSeconds(1));
        health.Ended(health.Started(T0), timedOut: false, T0 + TimeSpan.FromSeconds(5));
        health.Ended(health.Started(T0), timedOut: true, T0 + TimeSpan.FromSeconds(30));
        Assert.That(health.Wedged(T0 + TimeSpan.FromSeconds(30), brokerAnsweringSince: T0), Is.False);
    }
}
