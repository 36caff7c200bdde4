using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Hole 5: a person can be erased. A lead delivered to the sandbox's Enquire, with a disposition on its timeline, a
/// notification sent and a copy refused into an error queue, is erased by email; then no table of the database and
/// no queue of the broker holds the person's email or name, and the answer lists the CRM record that still does.
/// </summary>
[TestFixture]
[Category("Security")]
public class ErasureSpecs
{
    private const string SubmitErrorQueue = "ingestion-submit-lead_error";
    private ErasurePlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start() => _platform = await ErasurePlatform.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private static string SubmitJson(string sourceLeadId, string accountId, string firstName, string lastName, string email) =>
        JsonSerializer.Serialize(new
        {
            lead = new
            {
                source = "roobrik", sourceLeadId, accountId, conversion = "sales-opt-in",
                prospect = new { firstName, lastName, email, phone = "+1 555 0100" },
            },
        });

    [Test]
    public async Task A_person_erased_by_email_is_in_no_table_and_no_queue_and_the_answer_lists_the_CRM_record()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"erase-{tag}@example.com";
        var lastName = $"Forgetme{tag}";
        var bystander = $"keep-{tag}@example.com";

        // Delivered to Enquire, notified, and a disposition back from the CRM.
        using var posted = await _platform.Platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = $"erase-{tag}", accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            prospect = new { firstName = "Erasmus", lastName, email, phone = "+1 555 0100" },
        });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        var recordId = await Eventually.UntilAsync(() => _platform.QueryAsync<string?>(
                "select (select value from jsonb_each_text(record_ids) limit 1) from delivery.ledger where lead_id = @leadId and state = 'delivered'", new { leadId }),
            id => id is not null, TimeSpan.FromSeconds(20), "the delivery to Enquire");
        await Eventually.UntilAsync(async () => await _platform.QueryAsync<long>("select count(*) from notifications.sent where lead_id = @leadId", new { leadId }) == 1,
            TimeSpan.FromSeconds(20), "the notification to be sent");
        using var emitted = await _platform.Platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions", new
        {
            crm = "enquire", recordId, status = "Tour Scheduled",
            push = new { url = new Uri(_platform.Disposition.BaseAddress, $"v1/dispositions/{ErasurePlatform.IntegrationId}").ToString(), secret = ErasurePlatform.WebhookSecret },
        });
        Assert.That((await emitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusCode").GetInt32(), Is.EqualTo(200));
        await Eventually.UntilAsync(async () => await _platform.QueryAsync<long>(
                "select count(*) from disposition.timeline where lead_id = @leadId and kind = 'status'", new { leadId }) == 1,
            TimeSpan.FromSeconds(20), "the disposition on the timeline");

        // A copy of the person refused into an error queue (an account nobody configured), next to a bystander's.
        await _platform.Tap.PublishRawAsync("ingestion-submit-lead", SubmitJson($"parked-{tag}", "nobody-account", "Erasmus", lastName, email),
            apiKey: InProcessPlatform.RoobrikApiKey);
        await _platform.Tap.PublishRawAsync("ingestion-submit-lead", SubmitJson($"bystander-{tag}", "nobody-account", "Bea", "Stander", bystander),
            apiKey: InProcessPlatform.RoobrikApiKey);
        await Eventually.UntilAsync(() => _platform.Tap.PeekAsync(SubmitErrorQueue),
            all => all.Any(m => m.Body.Contains(email, StringComparison.Ordinal)) && all.Any(m => m.Body.Contains(bystander, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "both refused leads in the error queue");
        // A message no consumer takes, naming the person, in the connector's _skipped queue; a CRM feed's last error
        // echoing the person on a poll cursor.
        await _platform.Tap.PublishRawAsync("connector-enquire", JsonSerializer.Serialize(new
        {
            messageType = new[] { "urn:message:Nobody:Consumes" },
            message = new { email, lastName },
        }), "application/vnd.masstransit+json");
        await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync("connector-enquire_skipped"), d => d >= 1,
            TimeSpan.FromSeconds(20), "the person in the skipped queue");
        await _platform.QueryAsync<int>("insert into disposition.poll_cursor (integration_id, last_error) values (@id, @error) returning 1",
            new { id = $"erase-poll-{tag}", error = $"409 from CRM: contact {email} already exists" });
        Assert.That(string.Join("\n", await _platform.DumpDatabaseAsync()), Does.Contain(email).IgnoreCase, "the person is in the database before");

        using var erased = await _platform.EraseAsync(new { email = email.ToUpperInvariant() });
        var answer = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer.ToString());

        Assert.That(answer.GetProperty("leads").GetInt32(), Is.EqualTo(1));
        Assert.That(answer.GetProperty("complete").GetBoolean(), Is.True);
        var stores = answer.GetProperty("stores");
        int Erased(string store, string table) => stores.GetProperty(store).GetProperty(table).GetInt32();
        Assert.Multiple(() =>
        {
            Assert.That(Erased("ingestion", "ingestion.lead"), Is.EqualTo(1));
            Assert.That(Erased("ingestion", "ingestion.lead_delivery"), Is.EqualTo(1));
            Assert.That(Erased("ingestion", "ingestion.outbox"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Erased("delivery", "delivery.ledger"), Is.EqualTo(1));
            Assert.That(Erased("disposition", "disposition.lead"), Is.EqualTo(1));
            Assert.That(Erased("disposition", "disposition.crm_record"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Erased("disposition", "disposition.timeline"), Is.GreaterThanOrEqualTo(3), "converted, delivered, status");
            Assert.That(Erased("notifications", "notifications.sent"), Is.EqualTo(1));
            Assert.That(Erased("error-queues", SubmitErrorQueue), Is.EqualTo(1), "the person's message only");
            Assert.That(Erased("error-queues", "connector-enquire_skipped"), Is.EqualTo(1));
            Assert.That(Erased("disposition", "disposition.poll_cursor"), Is.EqualTo(1));
        });
        var records = answer.GetProperty("crmRecords").EnumerateArray()
            .Select(r => (r.GetProperty("integrationId").GetString(), r.GetProperty("crm").GetString(), r.GetProperty("recordId").GetString())).ToList();
        Assert.That(records, Does.Contain((ErasurePlatform.IntegrationId, "enquire", recordId)), answer.ToString());

        var database = await _platform.DumpDatabaseAsync();
        var queues = await _platform.DumpQueuesAsync();
        Assert.Multiple(() =>
        {
            foreach (var needle in new[] { email, lastName })
            {
                Assert.That(database.Where(r => r.Contains(needle, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{needle} left in the database");
                Assert.That(queues.Where(m => m.Contains(needle, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{needle} left in a queue");
            }
            Assert.That(queues.Count(m => m.Contains(bystander, StringComparison.Ordinal)), Is.EqualTo(1), "the bystander's message stays in the error queue");
        });
        // The log says who and how much, not whom.
        var logged = await _platform.QueryAsync<string>("select requested_by || ' ' || erased::text from ingestion.erasure_log where id = @id",
            new { id = answer.GetProperty("erasureId").GetGuid() });
        Assert.That(logged, Does.Contain("admin").And.Contain("\"ingestion.lead\": 1"));
    }

    [Test]
    public async Task A_lead_waiting_in_a_stopped_connectors_queue_is_gone_after_the_erasure_and_no_queue_holds_the_person()
    {
        // A connector deployed but stopped: its quorum queue bound to LeadConverted, nobody consuming it.
        const string stopped = "connector-stopped";
        await _platform.Tap.BindAsync("LeadPlatform.Contracts:LeadConverted", stopped, quorum: true);
        try
        {
            var tag = Guid.NewGuid().ToString("N")[..10];
            var email = $"waiting-{tag}@example.com";
            var lastName = $"Waiting{tag}";
            var bystander = $"stays-{tag}@example.com";
            foreach (var (id, name, mail) in new[] { ($"waiting-{tag}", lastName, email), ($"stays-{tag}", "Stander", bystander) })
            {
                using var posted = await _platform.Platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
                {
                    source = "roobrik", sourceLeadId = id, accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
                    prospect = new { firstName = "Wanda", lastName = name, email = mail },
                });
                Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
            }
            await Eventually.UntilAsync(() => _platform.Tap.PeekAsync(stopped),
                all => all.Any(m => m.Body.Contains(email, StringComparison.Ordinal)) && all.Any(m => m.Body.Contains(bystander, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(20), "both leads waiting in the stopped connector's queue");

            using var erased = await _platform.EraseAsync(new { email });
            var answer = await erased.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer.ToString());

            Assert.That(answer.GetProperty("complete").GetBoolean(), Is.True, answer.ToString());
            Assert.That(answer.GetProperty("stores").GetProperty("queues").GetProperty(stopped).GetInt32(), Is.EqualTo(1), answer.ToString());
            var queues = await _platform.DumpQueuesAsync();
            Assert.Multiple(() =>
            {
                foreach (var needle in new[] { email, lastName })
                {
                    Assert.That(queues.Where(m => m.Contains(needle, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{needle} left in a queue");
                }
                Assert.That(queues.Count(m => m.StartsWith($"{stopped}: ", StringComparison.Ordinal) && m.Contains(bystander, StringComparison.Ordinal)), Is.EqualTo(1),
                    "the bystander's lead still waits for the connector");
            });
        }
        finally
        {
            await _platform.Tap.DeleteQueueAsync(stopped);
        }
    }

    [Test]
    public async Task A_LeadConverted_still_in_flight_after_its_erasure_pushes_nobody_and_brings_nobody_back()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"inflight-{tag}@example.com";
        var lastName = $"Inflight{tag}";
        using var posted = await _platform.Platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = $"inflight-{tag}", accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
            prospect = new { firstName = "Ines", lastName, email },
        });
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        await Eventually.UntilAsync(() => _platform.QueryAsync<long>("select count(*) from notifications.lead where lead_id = @leadId", new { leadId }),
            count => count == 1, TimeSpan.FromSeconds(20), "every service to hold the lead");
        using var erased = await _platform.EraseAsync(new { leadId });
        Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK), await erased.Content.ReadAsStringAsync());
        var records = await _platform.Platform.SandboxApi.RecordsAsync("enquire");

        // The relay publishing the lead while the erasure ran, or a copy waiting in a queue: consumed only now, planned
        // for a second integration the ledger holds no row for.
        var bus = _platform.Platform.Ingestion.Services.GetRequiredService<IBus>();
        await bus.Publish(new LeadConverted
        {
            LeadId = leadId, AcceptedAt = DateTimeOffset.UtcNow,
            Lead = new Lead
            {
                Source = "roobrik", SourceLeadId = $"inflight-{tag}", AccountId = ErasurePlatform.AccountId, Conversion = Lead.SalesOptIn,
                Prospect = new Person { FirstName = "Ines", LastName = lastName, Email = email },
            },
            Deliveries = [new PlannedDelivery { IntegrationId = ErasurePlatform.IntegrationId, Crm = "enquire" }, new PlannedDelivery { IntegrationId = "erase-enquire-2", Crm = "enquire" }],
        });
        foreach (var queue in new[] { "connector-enquire", "disposition-timeline", "notifications-lead-converted" })
        {
            await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync(queue), depth => depth == 0, TimeSpan.FromSeconds(20), $"{queue} to take it");
        }

        var database = await _platform.DumpDatabaseAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(database.Where(r => r.Contains(email, StringComparison.OrdinalIgnoreCase) || r.Contains(lastName, StringComparison.OrdinalIgnoreCase)), Is.Empty);
            Assert.That(await _platform.QueryAsync<long>("select count(*) from delivery.ledger where lead_id = @leadId", new { leadId }), Is.EqualTo(1), "no new delivery");
            Assert.That(await _platform.Platform.SandboxApi.RecordsAsync("enquire"), Has.Count.EqualTo(records.Count), "nothing pushed to the CRM");
        });
    }

    [Test]
    public async Task A_lead_erased_by_id_is_gone_and_a_repeat_erases_nothing_more()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        using var posted = await _platform.Platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = $"byid-{tag}", accountId = ErasurePlatform.AccountId, conversion = "sales-opt-in",
            prospect = new { firstName = "Ida", lastName = $"Byid{tag}", email = $"byid-{tag}@example.com" },
        });
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        await Eventually.UntilAsync(async () => await _platform.QueryAsync<long>(
                "select count(*) from delivery.ledger where lead_id = @leadId and state = 'delivered'", new { leadId }) == 1,
            TimeSpan.FromSeconds(20), "the delivery");

        using var erased = await _platform.EraseAsync(new { leadId });
        Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK), await erased.Content.ReadAsStringAsync());
        Assert.That(await _platform.QueryAsync<long>("select count(*) from ingestion.lead where id = @leadId", new { leadId }), Is.Zero);
        Assert.That(await _platform.QueryAsync<string>("select message::text from delivery.ledger where lead_id = @leadId", new { leadId }),
            Does.Not.Contain($"Byid{tag}"));

        using var again = await _platform.EraseAsync(new { leadId });
        var answer = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(answer.GetProperty("leads").GetInt32(), Is.Zero);
    }

    private static IEnumerable<TestCaseData> BadRequests()
    {
        yield return new TestCaseData(new { }, "email").SetName("An erasure naming nobody is refused: neither email nor leadId");
        yield return new TestCaseData(new { email = "a@example.com", leadId = Guid.NewGuid() }, "leadId").SetName("An erasure naming two subjects is refused");
        yield return new TestCaseData(new { email = "not an email" }, "email").SetName("An erasure with a malformed email is refused");
        yield return new TestCaseData(new { leadId = "not-a-uuid" }, "leadId").SetName("An erasure with a malformed lead id is refused");
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task A_bad_erasure_request_answers_400_naming_the_field(object body, string field)
    {
        var logged = await _platform.QueryAsync<long>("select count(*) from ingestion.erasure_log");
        using var response = await _platform.EraseAsync(body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        Assert.That(await _platform.QueryAsync<long>("select count(*) from ingestion.erasure_log"), Is.EqualTo(logged), "nothing done");
    }

    [Test]
    public async Task An_erasure_without_the_admin_key_is_refused()
    {
        using var response = await _platform.EraseAsync(new { email = "someone@example.com" }, withAdminKey: false);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
