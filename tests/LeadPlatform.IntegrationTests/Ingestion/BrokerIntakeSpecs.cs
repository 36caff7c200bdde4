using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>SubmitLead on the broker: raw JSON from non-.NET publishers and MassTransit envelopes, same rules as HTTP.</summary>
[TestFixture]
public class BrokerIntakeSpecs
{
    private const string Queue = "ingestion-submit-lead";
    private const string ErrorQueue = "ingestion-submit-lead_error";
    private const string ApiKey = "broker-roobrik-api-key-0001";
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("brokerintake");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        await _host.PutSourceKeyAsync("roobrik", ApiKey, "*");
        await Eventually.UntilAsync(async () => await _host.Environment.QueueDepthAsync(Queue) is not null,
            TimeSpan.FromSeconds(15), $"queue {Queue}");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string RawSubmit(string sourceLeadId, string lastName = "\"Clark\"", string accountId = "acme-senior") => $$$"""
        {"lead": {"source": "roobrik", "sourceLeadId": "{{{sourceLeadId}}}", "accountId": "{{{accountId}}}", "conversion": "sales-opt-in",
                  "prospect": {"firstName": "Edith", "lastName": {{{lastName}}}, "email": "edith@example.com"} } }
        """;

    private async Task<Guid> StoredLeadAsync(string sourceLeadId)
    {
        await using var dataSource = _host.Environment.CreateDataSource();
        return await Eventually.UntilAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return await connection.QuerySingleOrDefaultAsync<Guid?>(
                "select id from ingestion.lead where source = 'roobrik' and source_lead_id = @sourceLeadId", new { sourceLeadId });
        }, id => id is not null, TimeSpan.FromSeconds(15), $"lead {sourceLeadId} to be stored") ?? Guid.Empty;
    }

    [TestCase("application/json")]
    [TestCase(null)]
    public async Task Raw_JSON_from_a_non_dotnet_publisher_becomes_one_LeadConverted(string? contentType)
    {
        var id = $"raw-{contentType?.Length ?? 0}";
        await _host.Tap.PublishRawAsync(Queue, RawSubmit(id), contentType, ApiKey);

        var leadId = await StoredLeadAsync(id);
        var published = await _host.PublishedForAsync(leadId);

        Assert.That(published, Has.Count.EqualTo(1));
        Assert.That(published[0].GetProperty("deliveries")[0].GetProperty("integrationId").GetString(), Is.EqualTo("acme-enquire"));
    }

    [Test]
    public async Task A_MassTransit_envelope_is_accepted_and_a_repeat_adds_nothing()
    {
        var bus = _host.Ingestion.Services.GetRequiredService<IBus>();
        var message = new SubmitLead
        {
            Lead = new Lead
            {
                Source = "roobrik", SourceLeadId = "envelope-1", AccountId = "acme-senior", Conversion = Lead.SalesOptIn,
                Prospect = new Person { LastName = "Clark" },
            },
        };
        await bus.Publish(message, c => c.Headers.Set("X-Api-Key", ApiKey));
        var leadId = await StoredLeadAsync("envelope-1");
        await _host.PublishedForAsync(leadId);
        var before = await _host.CountsAsync();

        await bus.Publish(message, c => c.Headers.Set("X-Api-Key", ApiKey));
        await _host.Tap.PublishRawAsync(Queue, RawSubmit("marker-after-envelope"), apiKey: ApiKey);
        await _host.PublishedForAsync(await StoredLeadAsync("marker-after-envelope"));

        var after = await _host.CountsAsync();
        Assert.That(after, Is.EqualTo((before.Leads + 1, before.Outbox + 1)), "only the marker was added");
        Assert.That((await _host.PublishedAsync()).Values.Count(m => m.GetProperty("leadId").GetGuid() == leadId), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(RawSubmit("bad-1", lastName: "\"\""), "prospect.lastName").SetName("An invalid broker lead goes to the error queue: missing last name");
        yield return new TestCaseData(RawSubmit("bad-2", accountId: "nobody"), "accountId").SetName("An invalid broker lead goes to the error queue: unknown account");
        yield return new TestCaseData("""{"lead": {"source": "roobrik", """, "").SetName("An invalid broker lead goes to the error queue: malformed JSON");
        yield return new TestCaseData("""{"idempotencyKey": "k"}""", "").SetName("An invalid broker lead goes to the error queue: no lead at all");
    }

    [TestCaseSource(nameof(Invalid))]
    public async Task An_invalid_message_goes_to_the_error_queue_with_the_reason_and_changes_nothing(string body, string reason)
    {
        var before = await _host.CountsAsync();
        var marker = Guid.NewGuid().ToString("N");
        await _host.Tap.PublishRawAsync(Queue, body.Replace("\"roobrik\", ", $"\"roobrik\", \"comments\": \"{marker}\", ", StringComparison.Ordinal),
            apiKey: ApiKey);

        var errored = await Eventually.UntilAsync(() => _host.Tap.PeekAsync(ErrorQueue),
            all => all.Any(m => m.Body.Contains(marker, StringComparison.Ordinal) || (!body.Contains("roobrik", StringComparison.Ordinal) && m.Body == body)),
            TimeSpan.FromSeconds(20), "the message in the error queue");
        var message = errored.First(m => m.Body.Contains(marker, StringComparison.Ordinal) || m.Body == body);
        var faultMessage = message.Headers.ValueKind == JsonValueKind.Object && message.Headers.TryGetProperty("MT-Fault-Message", out var f) ? f.GetString() : null;
        Assert.That(faultMessage, Is.Not.Null.And.Not.Empty, message.Headers.ToString());
        Assert.That(faultMessage, Does.Contain(reason));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_raw_publisher_naming_a_reply_queue_gets_LeadAccepted_with_the_lead_id_correlated()
    {
        await using var client = await RawAmqpClient.ConnectAsync(_host.Environment.RabbitMqUri);
        var replyQueue = await client.DeclareReplyQueueAsync();
        var correlationId = Guid.NewGuid().ToString("N");

        await client.PublishAsync(Queue, RawSubmit("reply-queue-1"), replyQueue, correlationId, ApiKey);
        var reply = await client.ReceiveAsync(replyQueue, TimeSpan.FromSeconds(30));

        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.That((reply.Type, reply.CorrelationId, reply.ContentType), Is.EqualTo(("LeadAccepted", correlationId, "application/json")));
        Assert.That(body.GetProperty("leadId").GetGuid(), Is.EqualTo(await StoredLeadAsync("reply-queue-1")));
        Assert.That(body.GetProperty("sourceLeadId").GetString(), Is.EqualTo("reply-queue-1"));
        Assert.That(body.GetProperty("duplicate").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_raw_publisher_naming_a_reply_queue_gets_LeadRefused_naming_the_field_and_nothing_is_stored_or_dead_lettered()
    {
        await using var client = await RawAmqpClient.ConnectAsync(_host.Environment.RabbitMqUri);
        var replyQueue = await client.DeclareReplyQueueAsync();
        var correlationId = Guid.NewGuid().ToString("N");
        var before = await _host.CountsAsync();

        await client.PublishAsync(Queue, RawSubmit($"reply-bad-{correlationId}", lastName: "\"\""), replyQueue, correlationId, ApiKey);
        var reply = await client.ReceiveAsync(replyQueue, TimeSpan.FromSeconds(30));

        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.That((reply.Type, reply.CorrelationId), Is.EqualTo(("LeadRefused", correlationId)));
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(400));
        Assert.That(body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("field").GetString()), Does.Contain("prospect.lastName"));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
        Assert.That((await _host.Tap.PeekAsync(ErrorQueue)).Where(m => m.Body.Contains(correlationId, StringComparison.Ordinal)), Is.Empty,
            "answered, not dead-lettered as well");
    }

    [TestCase("""{"lead": {"source": "roobrik", """, "body", "Malformed JSON")]
    [TestCase("""{"lead": 5}""", "lead", "must be an object")]
    public async Task A_raw_publisher_naming_a_reply_queue_is_answered_when_the_body_is_not_a_SubmitLead(string json, string field, string says)
    {
        await using var client = await RawAmqpClient.ConnectAsync(_host.Environment.RabbitMqUri);
        var replyQueue = await client.DeclareReplyQueueAsync();
        var correlationId = Guid.NewGuid().ToString("N");
        var before = await _host.CountsAsync();

        await client.PublishAsync(Queue, json, replyQueue, correlationId, ApiKey);
        var reply = await client.ReceiveAsync(replyQueue, TimeSpan.FromSeconds(30));

        var body = JsonDocument.Parse(reply.Body).RootElement;
        Assert.That((reply.Type, reply.CorrelationId), Is.EqualTo(("LeadRefused", correlationId)));
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo(400));
        var problem = body.GetProperty("problems").EnumerateArray().Single();
        Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(field));
        Assert.That(problem.GetProperty("message").GetString(), Does.Contain(says));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
        Assert.ThrowsAsync<TimeoutException>(() => client.ReceiveAsync(replyQueue, TimeSpan.FromSeconds(1)), "answered once");
    }

    [Test]
    public async Task A_raw_publisher_using_direct_reply_to_gets_its_answer_on_the_pseudo_queue()
    {
        await using var client = await RawAmqpClient.ConnectAsync(_host.Environment.RabbitMqUri);
        var correlationId = Guid.NewGuid().ToString("N");

        var reply = await client.RequestByDirectReplyToAsync(Queue, RawSubmit("direct-reply-1"), correlationId, ApiKey, TimeSpan.FromSeconds(30));

        Assert.That((reply.Type, reply.CorrelationId), Is.EqualTo(("LeadAccepted", correlationId)));
        Assert.That(JsonDocument.Parse(reply.Body).RootElement.GetProperty("leadId").GetGuid(), Is.EqualTo(await StoredLeadAsync("direct-reply-1")));
    }
}
