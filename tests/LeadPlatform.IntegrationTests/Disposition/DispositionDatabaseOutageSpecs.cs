using System.Net;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// Disposition with its database cut away: a push is answered 503 and applied once the database is back; the
/// platform's lead events wait for it rather than going to the error queue.
/// </summary>
[TestFixture]
public class DispositionDatabaseOutageSpecs
{
    private const string Secret = "whsec-outage";

    [Test]
    public async Task A_push_while_the_database_is_away_is_answered_503_with_retry_after_and_applied_after_it_returns()
    {
        var postgres = new NpgsqlConnectionStringBuilder(TestServers.PostgresAdmin);
        await using var proxy = TcpProxy.Start(postgres.Host!, postgres.Port);
        await using var platform = await DispositionPlatform.StartAsync("dispositionoutage", postgresThrough: proxy);
        await platform.PutIntegrationAsync(new Integration
        {
            Id = "outage-sf", AccountId = "acme", Crm = "salesforce",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = Secret },
        });
        var leadId = await platform.DeliveredLeadAsync("outage-sf", "salesforce", "00Q-outage-1");
        var body = JsonSerializer.Serialize(new { eventId = "sf-outage-1", leadId, status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow },
            PlatformJson.Options);
        var before = await platform.StateAsync();

        proxy.Cut();
        using (var refused = await platform.PushAsync("outage-sf", body, Secret))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await refused.Content.ReadAsStringAsync());
            Assert.That(refused.Headers.RetryAfter, Is.Not.Null, "Retry-After tells the CRM when to try again");
            Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
        Assert.That(await platform.StateAsync(), Is.EqualTo(before), "nothing applied while the database was away");

        proxy.Restore();
        var applied = await Eventually.UntilAsync(async () =>
        {
            using var retried = await platform.PushAsync("outage-sf", body, Secret);
            return retried.StatusCode;
        }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the retried push to be applied");
        Assert.That(applied, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await platform.TimelineAsync(leadId)).GetProperty("status").GetString(), Is.EqualTo("Working"));
    }

    [Test]
    public async Task Lead_events_consumed_while_the_database_is_away_reach_the_timeline_once_it_returns()
    {
        var postgres = new NpgsqlConnectionStringBuilder(TestServers.PostgresAdmin);
        await using var proxy = TcpProxy.Start(postgres.Host!, postgres.Port);
        await using var platform = await DispositionPlatform.StartAsync("timelineoutage", postgresThrough: proxy);

        proxy.Cut();
        var leadId = await platform.PublishDeliveredLeadAsync("outage-sf", "salesforce", "00Q-outage-2");
        // Longer than a crashed PostgreSQL takes to come back, and than the 7.6 s of retries this queue once had.
        await Task.Delay(TimeSpan.FromSeconds(12));
        proxy.Restore();

        var timeline = await Eventually.UntilAsync(() => platform.TimelineOrNullAsync(leadId),
            t => DispositionPlatform.Kinds(t).Contains("delivered"), TimeSpan.FromSeconds(30), "the lead's events on its timeline");
        Assert.That(DispositionPlatform.Kinds(timeline), Is.EqualTo(new[] { "converted", "delivered" }));
        Assert.That(await platform.Environment.QueueDepthAsync(LeadTimelineConsumerDefinition.Queue + "_error") ?? 0, Is.Zero,
            "nothing dead-lettered");
    }
}
