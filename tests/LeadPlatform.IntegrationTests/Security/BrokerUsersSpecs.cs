using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using RabbitMQ.Client;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Hole 10: broker credentials of one service must not let it speak for another. Every service of the platform runs
/// as its own user made by <c>build/broker-users.sh</c> (on this fixture's vhost); a user publishing what it does not
/// own is refused by the broker, and the platform still carries a lead end to end under those permissions.
/// </summary>
[TestFixture]
[Category("Security")]
public class BrokerUsersSpecs
{
    private const string StatusChanged = "LeadPlatform.Contracts:LeadStatusChanged";
    private const string Intake = "ingestion-submit-lead";
    private ErasurePlatform _platform = null!;
    private BrokerUsers Users => _platform.Platform.BrokerUsers!;

    [OneTimeSetUp]
    public async Task Start() => _platform = await ErasurePlatform.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task The_ingestion_user_cannot_publish_LeadStatusChanged_and_nothing_arrives()
    {
        var tap = $"tap-status-{Guid.NewGuid():N}";
        await _platform.Tap.BindAsync(StatusChanged, tap);

        var refused = await PublishAsync("ingestion", StatusChanged, "", """{"message": {"status": "Sold"}}""");

        Assert.That(refused, Is.EqualTo(403), "the broker closes the channel with ACCESS_REFUSED");
        await Task.Delay(500);
        Assert.That(await _platform.Environment.QueueDepthAsync(tap), Is.Zero, "nothing reached a queue bound to LeadStatusChanged");
        // The same publish as disposition, the one owner of the event, goes through: the refusal is the user's.
        Assert.That(await PublishAsync("disposition", StatusChanged, "", """{"message": {"status": "Sold"}}"""), Is.Null);
        await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync(tap), depth => depth == 1, TimeSpan.FromSeconds(10), "disposition's event");
    }

    [TestCase("connector-enquire")]
    [TestCase("notifications")]
    [TestCase("intake")]
    public async Task No_other_user_may_publish_LeadStatusChanged(string role) =>
        Assert.That(await PublishAsync(role, StatusChanged, "", "{}"), Is.EqualTo(403));

    [Test]
    public async Task An_upstream_publisher_submits_leads_to_the_intake_exchange_and_can_publish_nowhere_else()
    {
        var marker = $"intake-{Guid.NewGuid():N}";
        var accepted = await PublishAsync("intake", Intake, "", SubmitJson(marker), InProcessPlatform.RoobrikApiKey);

        Assert.That(accepted, Is.Null);
        await Eventually.UntilAsync(() => _platform.QueryAsync<long>("select count(*) from ingestion.lead where source_lead_id = @marker", new { marker }),
            count => count == 1, TimeSpan.FromSeconds(20), "the lead published by the intake user to be stored");
        Assert.Multiple(async () =>
        {
            Assert.That(await PublishAsync("intake", "", Intake, SubmitJson($"{marker}-default"), InProcessPlatform.RoobrikApiKey), Is.EqualTo(403),
                "the default exchange (any queue by name) is refused");
            Assert.That(await PublishAsync("intake", "LeadPlatform.Contracts:LeadConverted", "", "{}"), Is.EqualTo(403));
            Assert.That(await PublishAsync("intake", "connector-enquire", "", "{}"), Is.EqualTo(403));
        });
    }

    [Test]
    public async Task Under_their_own_users_the_services_carry_a_lead_to_the_CRM_and_its_disposition_back()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        using var posted = await _platform.Platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = $"users-{tag}", accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
            prospect = new { firstName = "Una", lastName = $"Users{tag}", email = $"users-{tag}@example.com" },
        });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();

        // LeadConverted (ingestion) -> connector -> LeadDelivered (connector) -> ingestion's view, disposition, notifications.
        var recordId = await Eventually.UntilAsync(() => _platform.QueryAsync<string?>(
                "select (select value from jsonb_each_text(record_ids) limit 1) from ingestion.lead_delivery where lead_id = @leadId and state = 'delivered'", new { leadId }),
            id => id is not null, TimeSpan.FromSeconds(30), "ingestion to learn of the delivery");
        await Eventually.UntilAsync(() => _platform.QueryAsync<long>("select count(*) from notifications.sent where lead_id = @leadId", new { leadId }),
            count => count == 1, TimeSpan.FromSeconds(20), "the notification");

        // A CRM's disposition -> LeadStatusChanged (disposition) -> ingestion's lead status.
        using var emitted = await _platform.Platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions", new
        {
            crm = "enquire", recordId, status = "Tour Scheduled",
            push = new { url = new Uri(_platform.Disposition.BaseAddress, $"v1/dispositions/{ErasurePlatform.IntegrationId}").ToString(), secret = ErasurePlatform.WebhookSecret },
        });
        Assert.That((await emitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusCode").GetInt32(), Is.EqualTo(200));
        await Eventually.UntilAsync(() => _platform.QueryAsync<string?>("select status from ingestion.lead where id = @leadId", new { leadId }),
            status => status is not null and not "Pending", TimeSpan.FromSeconds(20), "the status to reach ingestion");

        // A refused broker lead goes to ingestion's error queue (MassTransit publishes its Fault too), a message nobody
        // consumes to the connector's _skipped queue: both declared under the services' own users.
        await _platform.Tap.PublishRawAsync(Intake, SubmitJson($"nokey-{tag}"));
        await _platform.Tap.PublishRawAsync("connector-enquire", """{"messageType": ["urn:message:Nobody:Consumes"], "message": {}}""",
            "application/vnd.masstransit+json");
        await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync("ingestion-submit-lead_error"), d => d >= 1, TimeSpan.FromSeconds(20), "the error queue");
        await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync("connector-enquire_skipped"), d => d >= 1, TimeSpan.FromSeconds(20), "the skipped queue");

        // The erasure's requests and responses (bus endpoints) under the same users.
        using var erased = await _platform.EraseAsync(new { leadId });
        var answer = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer.ToString());
        Assert.That(answer.GetProperty("complete").GetBoolean(), Is.True, answer.ToString());
    }

    private static string SubmitJson(string sourceLeadId) => JsonSerializer.Serialize(new
    {
        lead = new
        {
            source = "roobrik", sourceLeadId, accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
            prospect = new { firstName = "Ian", lastName = "Take", email = $"{sourceLeadId}@example.com" },
        },
    });

    /// <summary>Publishes as the role's user; the AMQP reply code the broker closed the channel with, or null when it took it.</summary>
    private async Task<int?> PublishAsync(string role, string exchange, string routingKey, string json, string? apiKey = null)
    {
        var factory = new ConnectionFactory { Uri = new Uri(Users.Uri(role)), ClientProvidedName = $"spec-{role}" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        if (apiKey is not null)
        {
            properties.Headers = new Dictionary<string, object?> { ["X-Api-Key"] = apiKey };
        }
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(json));
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException
                                       or RabbitMQ.Client.Exceptions.PublishException)
        {
            // The refusal closes the channel; its reason says why.
        }
        // With publisher confirms the publish returns once the broker took the message or closed the channel.
        return channel.CloseReason?.ReplyCode;
    }
}
