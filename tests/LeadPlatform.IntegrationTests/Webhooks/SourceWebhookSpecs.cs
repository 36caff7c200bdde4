using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.ReadModel;
using LeadPlatform.Ingestion.Webhooks;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace LeadPlatform.IntegrationTests.Webhooks;

/// <summary>
/// A source subscribes to its leads' events and hears their whole life, signed as Standard Webhooks says, once per event,
/// also after having been down for a while; another source never sees the subscription.
/// </summary>
[TestFixture]
public class SourceWebhookSpecs
{
    private const string RoobrikKey = "webhook-roobrik-api-key-0001";
    private const string OtherKey = "webhook-othersrc-api-key-0001";
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Webhooks:AllowLocalHttp"] = "true",
        ["Webhooks:FirstRetry"] = "00:00:00.300",
        ["Webhooks:MaxRetry"] = "00:00:01",
        ["Webhooks:PollInterval"] = "00:00:00.100",
    };
    private IngestionHost _host = null!;
    private WebhookReceiver _receiver = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("webhooks", settings: Settings);
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "*");
        await _host.PutSourceKeyAsync("othersrc", OtherKey, "*");
        _receiver = await WebhookReceiver.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _receiver.DisposeAsync();
        await _host.DisposeAsync();
    }

    private sealed record Created(Guid Id, string Source, string Url, string[] EventTypes, string? Secret);

    private async Task<Created> SubscribeAsync(string key, string path, params string[] eventTypes)
    {
        using var client = _host.ClientWithKey(key);
        using var response = await client.PostAsJsonAsync("v1/webhooks", new { url = _receiver.UrlFor(path).ToString(), eventTypes });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Created>())!;
    }

    private async Task<Guid> SubmitAsync(string sourceLeadId)
    {
        using var client = _host.ClientWithKey(RoobrikKey);
        using var response = await client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId, accountId = "acme-senior", conversion = "sales-opt-in", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            prospect = new { firstName = "Edith", lastName = "Clark", email = "edith.clark@example.com" },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    [Test]
    public async Task A_subscriber_down_for_a_while_gets_every_event_of_a_leads_life_once_signed()
    {
        var subscription = await SubscribeAsync(RoobrikKey, "life", "lead.accepted", "lead.delivered", "lead.status_changed");
        Assert.That(subscription.Secret, Does.StartWith("whsec_"));
        _receiver.Down = true;

        var leadId = await SubmitAsync($"wh-{Guid.NewGuid():N}");
        var bus = _host.Ingestion.Services.GetRequiredService<IBus>();
        var delivered = new LeadDelivered
        {
            LeadId = leadId, IntegrationId = "acme-enquire", Crm = "enquire", RecordIds = new Dictionary<string, string> { ["prospect"] = "P-1" },
            Outcome = "created", Attempts = 1, AcceptedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow,
        };
        var deliveredId = NewId.NextGuid();
        await bus.Publish(delivered, c => c.MessageId = deliveredId);
        await bus.Publish(delivered, c => c.MessageId = deliveredId); // a redelivery of the same event adds nothing
        await bus.Publish(new LeadStatusChanged
        {
            LeadId = leadId, IntegrationId = "acme-enquire", Provider = "enquire", RawStatus = "Tour Scheduled", Status = "Working",
            OccurredAt = DateTimeOffset.UtcNow,
        });

        // Down for a while: each of the three events refused at least twice.
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received("life").Where(r => r.Answered == 503).GroupBy(r => r.Id).ToList()),
            refused => refused.Count == 3 && refused.All(g => g.Count() >= 2), TimeSpan.FromSeconds(30), "three events refused twice each");
        _receiver.Down = false;

        var accepted = await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received("life").Where(r => r.Answered == 200).ToList()),
            ok => ok.Select(r => r.Id).Distinct().Count() == 3, TimeSpan.FromSeconds(30), "the three events answered 200");
        await Task.Delay(TimeSpan.FromSeconds(2)); // time enough for a wrong repeat to arrive
        accepted = _receiver.Received("life").Where(r => r.Answered == 200).ToList();

        Assert.That(accepted.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "an event answered 200 was sent again");
        var verifier = new StandardWebhook(subscription.Secret!);
        foreach (var webhook in accepted)
        {
            Assert.That(webhook.Signature, Does.StartWith("v1,"));
            Assert.DoesNotThrow(() => verifier.Verify(webhook.Body, webhook.Headers), $"signature of {webhook.Id}");
            // And by hand, as the specification says: base64 HMAC-SHA256 of "id.timestamp.body" under the secret's bytes.
            var key = Convert.FromBase64String(subscription.Secret!["whsec_".Length..]);
            var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.{webhook.Body}")));
            Assert.That(webhook.Signature, Is.EqualTo("v1," + expected));
        }
        var bodies = accepted.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.That(bodies.Select(b => b.GetProperty("type").GetString()),
            Is.EquivalentTo(new[] { "lead.accepted", "lead.delivered", "lead.status_changed" }));
        Assert.That(bodies.Select(b => b.GetProperty("data").GetProperty("leadId").GetGuid()), Is.All.EqualTo(leadId));
        var status = bodies.Single(b => b.GetProperty("type").GetString() == "lead.status_changed").GetProperty("data");
        Assert.That(status.GetProperty("status").GetString(), Is.EqualTo("Working"));
        Assert.That(accepted.Select(r => r.Body), Has.None.Contains("edith").IgnoreCase.And.None.Contains("Clark"), "no personal data in payloads");

        using var client = _host.ClientWithKey(RoobrikKey);
        var deliveries = await client.GetFromJsonAsync<JsonElement[]>($"v1/webhooks/{subscription.Id}/deliveries");
        Assert.That(deliveries!.Select(d => d.GetProperty("state").GetString()), Is.All.EqualTo("delivered"));
        Assert.That(deliveries!.Select(d => d.GetProperty("attempts").GetInt32()), Is.All.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task A_deliverys_outcomes_are_sent_once_also_when_queued_to_the_queues_of_an_earlier_version()
    {
        await SubscribeAsync(RoobrikKey, "outcomes", "lead.delivered", "lead.delivery_failed");
        var delivered = await SubmitAsync($"out-{Guid.NewGuid():N}");
        var failed = await SubmitAsync($"out-{Guid.NewGuid():N}");
        var outcomes = new object[]
        {
            new LeadDelivered
            {
                LeadId = delivered, IntegrationId = "acme-enquire", Crm = "enquire", RecordIds = new Dictionary<string, string> { ["prospect"] = "P-2" },
                Outcome = "created", Attempts = 1, AcceptedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow,
            },
            new LeadDeliveryFailed
            {
                LeadId = failed, IntegrationId = "acme-enquire", Crm = "enquire", Permanent = true, Attempts = 1,
                Reason = "Edith Clark: duplicate email", FailedAt = DateTimeOffset.UtcNow,
            },
        };
        var ids = outcomes.Select(_ => NewId.NextGuid()).ToList();
        var bus = _host.Ingestion.Services.GetRequiredService<IBus>();

        // Published: only ingestion-outcomes hears them, and writes their webhooks with the delivery view.
        for (var i = 0; i < outcomes.Length; i++)
        {
            await bus.Publish(outcomes[i], c => c.MessageId = ids[i]);
        }
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received("outcomes").Where(r => r.Answered == 200).ToList()),
            ok => ok.Count == 2, TimeSpan.FromSeconds(20), "lead.delivered and lead.delivery_failed answered 200");
        // The same messages waiting in the queues an earlier version queued them to. To each queue's exchange: a
        // queue: address would declare a classic queue, which the quorum queue refuses.
        foreach (var queue in new[] { WebhookEventConsumerDefinition.Queue, RetiredDeliveryViewConsumerDefinition.Queue })
        {
            var earlier = await bus.GetSendEndpoint(new Uri($"exchange:{queue}"));
            for (var i = 0; i < outcomes.Length; i++)
            {
                await earlier.Send(outcomes[i], c => c.MessageId = ids[i]);
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // time enough for a wrong repeat to arrive

        var sent = _receiver.Received("outcomes");
        Assert.That(sent.Select(r => r.Id), Is.EquivalentTo(ids.Select(id => $"msg_{id:N}")), "each outcome sent once, its message id the webhook id");
        var bodies = sent.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.That(bodies.Select(b => (b.GetProperty("type").GetString(), b.GetProperty("data").GetProperty("leadId").GetGuid())),
            Is.EquivalentTo(new[] { ("lead.delivered", delivered), ("lead.delivery_failed", failed) }));
        Assert.That(sent.Select(r => r.Body), Has.None.Contains("Clark"), "not the failure's reason: it can quote the person");
    }

    [Test]
    public async Task Each_outcome_is_queued_once_to_ingestion_and_a_start_removes_the_bindings_of_an_earlier_version()
    {
        const string contracts = "LeadPlatform.Contracts:";
        string[] outcomes = [contracts + "LeadDelivered", contracts + "LeadDeliveryFailed"];
        const string statusChanged = contracts + "LeadStatusChanged";
        // (queue, exchange) pairs an earlier version bound and this one does not.
        (string Queue, string Exchange)[] retired =
        [
            .. outcomes.Select(o => (WebhookEventConsumerDefinition.Queue, o)),
            .. outcomes.Append(statusChanged).Select(e => (RetiredDeliveryViewConsumerDefinition.Queue, e)),
        ];
        foreach (var exchange in outcomes.Append(statusChanged))
        {
            Assert.That(await _host.Tap.ExchangeBoundAsync(exchange, DeliveryOutcomeConsumerDefinition.Queue), Is.True, exchange);
        }
        Assert.That(await _host.Tap.ExchangeBoundAsync(statusChanged, WebhookEventConsumerDefinition.Queue), Is.True);
        foreach (var (queue, exchange) in retired)
        {
            Assert.That(await _host.Tap.ExchangeBoundAsync(exchange, queue), Is.False, $"{queue} <- {exchange}");
            await _host.Tap.BindExchangeAsync(exchange, queue); // as versions before 2026-12-04 left them
        }

        await _host.AddInstanceAsync(settings: Settings);

        foreach (var (queue, exchange) in retired)
        {
            await Eventually.UntilAsync(() => _host.Tap.ExchangeBoundAsync(exchange, queue), bound => !bound, TimeSpan.FromSeconds(20),
                $"{queue} unbound from {exchange}");
        }
        Assert.That(await _host.Tap.ExchangeBoundAsync(statusChanged, WebhookEventConsumerDefinition.Queue), Is.True);
    }

    [Test]
    public async Task A_delivery_replayed_is_sent_again_with_the_same_webhook_id()
    {
        var subscription = await SubscribeAsync(RoobrikKey, "replay", "lead.accepted");
        var leadId = await SubmitAsync($"replay-{Guid.NewGuid():N}");
        using var client = _host.ClientWithKey(RoobrikKey);
        var delivery = await Eventually.UntilAsync(
            async () => await client.GetFromJsonAsync<JsonElement[]>($"v1/webhooks/{subscription.Id}/deliveries"),
            d => d is { Length: 1 } && d[0].GetProperty("state").GetString() == "delivered", TimeSpan.FromSeconds(20), "lead.accepted delivered");
        var webhookId = "msg_" + delivery![0].GetProperty("eventId").GetGuid().ToString("N");
        Assert.That(delivery[0].GetProperty("leadId").GetGuid(), Is.EqualTo(leadId));

        using var replay = await client.PostAsync($"v1/webhooks/{subscription.Id}/deliveries/{delivery[0].GetProperty("id").GetInt64()}/replay", null);

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.UntilAsync(() => Task.FromResult(_receiver.Received("replay").Count(r => r.Id == webhookId && r.Answered == 200)),
            n => n == 2, TimeSpan.FromSeconds(20), "the replayed event");
    }

    [Test]
    public async Task Another_source_neither_sees_nor_changes_the_subscription_nor_hears_its_events()
    {
        var subscription = await SubscribeAsync(RoobrikKey, "owner", "lead.accepted");
        using var other = _host.ClientWithKey(OtherKey);

        var listed = await other.GetFromJsonAsync<JsonElement[]>("v1/webhooks");
        using var deliveries = await other.GetAsync($"v1/webhooks/{subscription.Id}/deliveries");
        using var deleted = await other.DeleteAsync($"v1/webhooks/{subscription.Id}");
        using var replayed = await other.PostAsync($"v1/webhooks/{subscription.Id}/deliveries/1/replay", null);

        Assert.That(listed!.Select(s => s.GetProperty("id").GetGuid()), Does.Not.Contain(subscription.Id));
        Assert.That(listed!.Select(s => s.GetProperty("source").GetString()), Is.All.EqualTo("othersrc"));
        Assert.That(deliveries.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var owner = _host.ClientWithKey(RoobrikKey);
        var own = await owner.GetFromJsonAsync<JsonElement[]>("v1/webhooks");
        Assert.That(own!.Select(s => s.GetProperty("id").GetGuid()), Does.Contain(subscription.Id));
        Assert.That(own!.Select(s => s.TryGetProperty("secret", out var secret) ? secret.GetString() : null), Is.All.Null, "the secret is shown once");

        var otherSubscription = await SubscribeAsync(OtherKey, "other", "lead.accepted");
        await SubmitAsync($"mine-{Guid.NewGuid():N}");
        await Eventually.UntilAsync(async () => await owner.GetFromJsonAsync<JsonElement[]>($"v1/webhooks/{subscription.Id}/deliveries"),
            d => d is { Length: > 0 }, TimeSpan.FromSeconds(20), "roobrik's lead.accepted");
        Assert.That(await other.GetFromJsonAsync<JsonElement[]>($"v1/webhooks/{otherSubscription.Id}/deliveries"), Is.Empty,
            "othersrc hears nothing of roobrik's leads");
    }

    [TestCase("ftp://example.com/hooks", "lead.accepted", "url")]
    [TestCase("http://example.com/hooks", "lead.accepted", "url")]
    [TestCase("hooks", "lead.accepted", "url")]
    [TestCase("https://example.com/hooks", "lead.exploded", "eventTypes")]
    public async Task A_bad_subscription_is_refused_naming_the_field(string url, string eventType, string field)
    {
        using var client = _host.ClientWithKey(RoobrikKey);
        using var response = await client.PostAsJsonAsync("v1/webhooks", new { url, eventTypes = new[] { eventType } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }
}
