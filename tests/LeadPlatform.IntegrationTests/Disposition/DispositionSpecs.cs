using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>Dispositions pushed and polled through the real broker, database and sandbox, onto the right lead, once.</summary>
[TestFixture]
public class DispositionSpecs
{
    private const string Secret = "whsec-acme-sf";
    private DispositionPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await DispositionPlatform.StartAsync("disposition");
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-sf", AccountId = "acme", Crm = "salesforce",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = Secret },
        });
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-hs", AccountId = "acme", Crm = "hubspot",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = "whsec-acme-hs" },
        });
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-opps", AccountId = "acme", Crm = "salesforce",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = Secret },
            Settings = JsonSerializer.SerializeToElement(new { shareOpportunities = true }),
        });
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-enquire", AccountId = "acme", Crm = "enquire",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Settings = JsonSerializer.SerializeToElement(new
            {
                pollIntervalSeconds = 1,
                changesUrl = new Uri(_platform.Sandbox.BaseAddress, "sandbox/enquire/changes").ToString(),
            }),
        });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private static string Generic(object payload) => JsonSerializer.Serialize(payload, PlatformJson.Options);

    [Test]
    public async Task A_disposition_the_CRM_pushes_by_its_record_id_lands_on_the_lead_timeline()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-push-1");

        using var emitted = await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions", new
        {
            crm = "salesforce",
            recordId = "00Q-push-1",
            status = "Working - Contacted",
            activity = new { type = "Call", details = "first call" },
            push = new { url = new Uri(_platform.Disposition.BaseAddress, "v1/dispositions/acme-sf").ToString(), secret = Secret },
        });
        var answer = await emitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), answer.ToString());

        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"));
        Assert.That(DispositionPlatform.Kinds(timeline), Is.EqualTo(new[] { "converted", "delivered", "status", "activity" }));
        var status = DispositionPlatform.Entries(timeline, "status").Single();
        Assert.That(status.GetProperty("raw").GetString(), Is.EqualTo("Working - Contacted"));
        Assert.That(status.GetProperty("source").GetString(), Is.EqualTo("push"));
        Assert.That(status.GetProperty("provider").GetString(), Is.EqualTo("salesforce"));
        Assert.That(DispositionPlatform.Entries(timeline, "activity").Single().GetProperty("value").GetString(), Is.EqualTo("PhoneCall"));
        var delivered = DispositionPlatform.Entries(timeline, "delivered").Single();
        Assert.That(delivered.GetProperty("details").GetProperty("recordIds").GetProperty("lead").GetString(), Is.EqualTo("00Q-push-1"));
    }

    [Test]
    public async Task A_push_naming_our_lead_id_lands_on_that_lead()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-push-2");

        using var response = await _platform.PushAsync("acme-sf", Generic(new
        {
            eventId = "sf-evt-2", leadId, status = "Closed - Converted", occurredAt = DateTimeOffset.UtcNow,
        }), Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Sold"));
    }

    [Test]
    public async Task A_HubSpot_webhook_batch_is_read_by_its_adapter()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-hs", "hubspot", "5501");
        var body = $$"""
            [{"eventId":9001,"subscriptionType":"contact.propertyChange","objectId":5501,"propertyName":"hs_lead_status",
              "propertyValue":"ATTEMPTED_TO_CONTACT","occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}]
            """;

        using var response = await _platform.PushAsync("acme-hs", body, "whsec-acme-hs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await _platform.TimelineAsync(leadId)).GetProperty("status").GetString(), Is.EqualTo("Working"));
    }

    public enum Signing { Unsigned, WrongSecret, Stale }

    [TestCase(Signing.Unsigned)]
    [TestCase(Signing.WrongSecret)]
    [TestCase(Signing.Stale)]
    public async Task An_unsigned_wrongly_signed_or_stale_push_is_refused_and_changes_nothing(Signing signing)
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", $"00Q-sig-{signing}");
        var before = await _platform.StateAsync();
        var body = Generic(new { eventId = $"sig-{signing}", leadId, status = "Closed - Converted", occurredAt = DateTimeOffset.UtcNow });

        using var response = signing switch
        {
            Signing.Unsigned => await _platform.PushAsync("acme-sf", body, secret: null),
            Signing.WrongSecret => await _platform.PushAsync("acme-sf", body, "not-the-secret"),
            _ => await _platform.PushAsync("acme-sf", body, Secret, DateTimeOffset.UtcNow.AddMinutes(-6)),
        };

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        Assert.That((await _platform.TimelineAsync(leadId)).GetProperty("status").GetString(), Is.EqualTo("Pending"));
    }

    [TestCase("leadId")]
    [TestCase("recordId")]
    public async Task A_push_for_an_unknown_lead_is_refused_naming_the_field_and_changes_nothing(string field)
    {
        var before = await _platform.StateAsync();
        var body = field == "leadId"
            ? Generic(new { eventId = "unknown-1", leadId = Guid.NewGuid(), status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow })
            : Generic(new { eventId = "unknown-2", recordId = "00Q-nobody", status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow });

        using var response = await _platform.PushAsync("acme-sf", body, Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(field));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_payload_missing_its_time_is_a_400_naming_the_field()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-bad-1");
        var before = await _platform.StateAsync();

        using var response = await _platform.PushAsync("acme-sf", Generic(new { eventId = "bad-1", leadId, status = "Open - Not Contacted" }), Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty("occurredAt", out _), Is.True, problem.ToString());
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task The_same_event_pushed_twice_applies_once()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-twice");
        var body = Generic(new
        {
            eventId = "sf-twice", recordId = "00Q-twice", status = "Working - Contacted",
            activities = new[] { new { type = "Email" } }, occurredAt = DateTimeOffset.UtcNow,
        });

        using var first = await _platform.PushAsync("acme-sf", body, Secret);
        using var second = await _platform.PushAsync("acme-sf", body, Secret);

        Assert.That((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetInt32(), Is.EqualTo(2));
        var again = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(again.GetProperty("applied").GetInt32(), Is.Zero);
        Assert.That(again.GetProperty("duplicates").GetInt32(), Is.EqualTo(2));
        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(DispositionPlatform.Entries(timeline, "status"), Has.Count.EqualTo(1));
        Assert.That(DispositionPlatform.Entries(timeline, "activity"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Events_arriving_out_of_order_leave_the_status_of_the_latest_occurrence()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-order");
        var earlier = DateTimeOffset.UtcNow.AddMinutes(-5);
        var later = DateTimeOffset.UtcNow.AddMinutes(-1);

        using var sold = await _platform.PushAsync("acme-sf", Generic(new { eventId = "order-2", leadId, status = "Closed - Converted", occurredAt = later }), Secret);
        using var working = await _platform.PushAsync("acme-sf", Generic(new { eventId = "order-1", leadId, status = "Working - Contacted", occurredAt = earlier }), Secret);

        Assert.That((sold.StatusCode, working.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Sold"));
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => e.GetProperty("value").GetString()),
            Is.EqualTo(new[] { "Working", "Sold" }), "the timeline keeps occurrence order");
    }

    [Test]
    public async Task Unmapped_values_are_kept_on_the_timeline_and_listed_with_counts()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-unmapped");

        foreach (var eventId in new[] { "unmapped-1", "unmapped-2" })
        {
            using var response = await _platform.PushAsync("acme-sf", Generic(new
            {
                eventId, leadId, status = "Waiting On Spouse", activities = new[] { new { type = "Carrier Pigeon" } }, occurredAt = DateTimeOffset.UtcNow,
            }), Secret);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var timeline = await _platform.TimelineAsync(leadId);
        var statuses = DispositionPlatform.Entries(timeline, "status");
        Assert.That(statuses, Has.Count.EqualTo(2));
        Assert.That(statuses.All(s => s.GetProperty("raw").GetString() == "Waiting On Spouse" && !s.GetProperty("mapped").GetBoolean()), Is.True);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Pending"), "an unmapped status does not move the current one");

        var unmapped = await _platform.Disposition.Client.GetFromJsonAsync<JsonElement>("v1/dispositions/unmapped");
        var salesforce = unmapped.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "salesforce");
        var status = salesforce.GetProperty("statuses").EnumerateArray().Single(s => s.GetProperty("raw").GetString() == "Waiting On Spouse");
        Assert.That(status.GetProperty("count").GetInt64(), Is.EqualTo(2));
        var activity = salesforce.GetProperty("activities").EnumerateArray().Single(s => s.GetProperty("raw").GetString() == "Carrier Pigeon");
        Assert.That(activity.GetProperty("count").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_polled_disposition_reaches_the_lead_and_a_page_read_twice_applies_once()
    {
        var byRecord = await _platform.DeliveredLeadAsync("acme-enquire", "enquire", "ENQ-poll-1");
        var byLeadId = await _platform.DeliveredLeadAsync("acme-enquire", "enquire", "ENQ-poll-2");

        (await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions",
            new { crm = "enquire", recordId = "ENQ-poll-1", status = "Tour Scheduled", eventId = "enq-1" })).EnsureSuccessStatusCode();
        (await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions",
            new { crm = "enquire", leadId = byLeadId, status = "Moved In", activity = new { type = "Tour" }, eventId = "enq-2" })).EnsureSuccessStatusCode();

        var first = await Eventually.UntilAsync(() => _platform.TimelineAsync(byRecord),
            t => t.GetProperty("status").GetString() == "Working", TimeSpan.FromSeconds(15), "the polled status on the lead named by record id");
        Assert.That(DispositionPlatform.Entries(first, "status").Single().GetProperty("source").GetString(), Is.EqualTo("poll"));
        var second = await Eventually.UntilAsync(() => _platform.TimelineAsync(byLeadId),
            t => t.GetProperty("status").GetString() == "Sold", TimeSpan.FromSeconds(15), "the polled status on the lead named by our id");
        Assert.That(DispositionPlatform.Entries(second, "activity").Single().GetProperty("value").GetString(), Is.EqualTo("Appointment"));

        // Forget the cursor, as if the service died after applying the page and before storing the cursor.
        var before = await _platform.StateAsync();
        await using (var dataSource = _platform.Environment.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update disposition.poll_cursor set cursor = null, polled_at = null where integration_id = 'acme-enquire'");
            await Eventually.UntilAsync(
                () => connection.QuerySingleAsync<bool>("select cursor is not null and polled_at is not null from disposition.poll_cursor where integration_id = 'acme-enquire'"),
                TimeSpan.FromSeconds(15), "the page to be read again");
        }
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        Assert.That(DispositionPlatform.Entries(await _platform.TimelineAsync(byRecord), "status"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Opportunity_information_matched_by_contact_email_is_recorded_where_the_integration_shares_it()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-opps", "salesforce", "00Q-opp-1", email: "Opp.Buyer@example.com");

        using var response = await _platform.PushAsync("acme-opps", Generic(new
        {
            eventId = "opp-1", contactEmail = "opp.buyer@EXAMPLE.com", occurredAt = DateTimeOffset.UtcNow,
            opportunity = new { stage = "Negotiation/Review", amount = 42000.50m, closeDate = "2026-12-15" },
        }), Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var opportunity = DispositionPlatform.Entries(await _platform.TimelineAsync(leadId), "opportunity").Single();
        Assert.That(opportunity.GetProperty("details").GetProperty("stage").GetString(), Is.EqualTo("Negotiation/Review"));
        Assert.That(opportunity.GetProperty("details").GetProperty("amount").GetDecimal(), Is.EqualTo(42000.50m));
        Assert.That(opportunity.GetProperty("details").GetProperty("closeDate").GetString(), Is.EqualTo("2026-12-15"));
    }

    [Test]
    public async Task Opportunity_information_is_refused_where_the_integration_does_not_share_it()
    {
        await _platform.DeliveredLeadAsync("acme-sf", "salesforce", "00Q-opp-2");
        var before = await _platform.StateAsync();

        using var response = await _platform.PushAsync("acme-sf", Generic(new
        {
            eventId = "opp-2", recordId = "00Q-opp-2", occurredAt = DateTimeOffset.UtcNow, opportunity = new { stage = "Closed Won" },
        }), Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task After_a_restart_the_poller_resumes_from_its_stored_cursor()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-enquire", "enquire", "ENQ-restart");
        (await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions",
            new { crm = "enquire", recordId = "ENQ-restart", status = "Tour Scheduled", eventId = "restart-1" })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == "Working", TimeSpan.FromSeconds(15), "the first polled status");

        await _platform.RestartDispositionAsync();
        (await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions",
            new { crm = "enquire", recordId = "ENQ-restart", status = "Moved In", eventId = "restart-2" })).EnsureSuccessStatusCode();

        var timeline = await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == "Sold", TimeSpan.FromSeconds(15), "the status polled after the restart");
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => e.GetProperty("raw").GetString()),
            Is.EqualTo(new[] { "Tour Scheduled", "Moved In" }));
    }

    [Test]
    public async Task A_failing_feed_keeps_its_cursor_and_says_why()
    {
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-broken-feed", AccountId = "acme", Crm = "alis",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Settings = JsonSerializer.SerializeToElement(new
            {
                pollIntervalSeconds = 1,
                changesUrl = new Uri(_platform.Sandbox.BaseAddress, "sandbox/no-such-feed/missing/changes").ToString(),
            }),
        });
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();

        var error = await Eventually.UntilAsync(
            () => connection.QuerySingleOrDefaultAsync<string?>("select last_error from disposition.poll_cursor where integration_id = 'acme-broken-feed'"),
            e => e is not null, TimeSpan.FromSeconds(15), "the failure to be recorded");

        Assert.That(error, Does.Contain("404"));
        Assert.That(await connection.QuerySingleAsync<string?>("select cursor from disposition.poll_cursor where integration_id = 'acme-broken-feed'"), Is.Null);
        // The platform stays healthy for the other integrations.
        Assert.That((await _platform.Disposition.Client.GetAsync("health/ready")).IsSuccessStatusCode, Is.True);
    }
}
