using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LeadPlatform.Integrations;
using LeadPlatform.Sandbox;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// HubSpot and Salesforce polled through their own APIs (CRM search; SOQL with nextRecordsUrl), served by the sandbox
/// over HTTP, into the real Disposition service, broker and database.
/// </summary>
[TestFixture]
public class CrmPollingSpecs
{
    private const string HubSpotToken = "sandbox-hubspot-token";
    private DispositionPlatform _platform = null!;
    private HttpClient _sandbox = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await DispositionPlatform.StartAsync("crm-polling");
        _sandbox = _platform.Sandbox.Client;
        var endpoint = _platform.Sandbox.BaseAddress.ToString().TrimEnd('/');
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-hs-poll", AccountId = "acme", Crm = "hubspot", Endpoint = endpoint,
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Credentials = new Dictionary<string, string> { ["accessToken"] = HubSpotToken },
            // Two per page, so paging is exercised.
            Settings = JsonSerializer.SerializeToElement(new { pollIntervalSeconds = 1, pageSize = 2 }),
        });
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-sf-poll", AccountId = "acme", Crm = "salesforce", Endpoint = endpoint,
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Credentials = new Dictionary<string, string> { ["clientId"] = "sandbox-sf-client", ["clientSecret"] = "sandbox-sf-secret" },
            Settings = JsonSerializer.SerializeToElement(new { pollIntervalSeconds = 1, queryBatchSize = 2 }),
        });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [TearDown]
    public async Task ClearFaults()
    {
        await _sandbox.DeleteAsync("sandbox/faults");
        // What the poller last met, for a failing test's output.
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var row in await connection.QueryAsync<(string, string?, int, string?)>("select integration_id, cursor, failures, last_error from disposition.poll_cursor"))
        {
            await TestContext.Out.WriteLineAsync($"poll_cursor {row}");
        }
    }

    // ---- HubSpot ----

    private async Task<JsonElement> HubSpotAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HubSpotToken);
        using var response = await _sandbox.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<(Guid LeadId, string ContactId)> HubSpotContactAsync()
    {
        var contact = await HubSpotAsync(HttpMethod.Post, "crm/v3/objects/contacts",
            new { properties = new { email = $"{Guid.NewGuid():N}@example.com", firstname = "Ann" } });
        var id = contact.GetProperty("id").GetString()!;
        return (await _platform.DeliveredLeadAsync("acme-hs-poll", "hubspot", id), id);
    }

    private Task<JsonElement> EngagementAsync(string objectType, string contactId, object properties) =>
        HubSpotAsync(HttpMethod.Post, $"crm/v3/objects/{objectType}", new
        {
            properties,
            associations = new[] { new { to = new { id = contactId }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 194 } } } },
        });

    [Test]
    public async Task HubSpot_polling_brings_a_status_change_and_a_call_an_email_and_a_meeting_once_and_resumes_from_its_cursor_after_a_restart()
    {
        var (leadId, contactId) = await HubSpotContactAsync();
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        await HubSpotAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{contactId}", new { properties = new { hs_lead_status = "IN_PROGRESS" } });
        await EngagementAsync("calls", contactId, new { hs_timestamp = at, hs_call_title = "Intro call" });
        await EngagementAsync("emails", contactId, new { hs_timestamp = at, hs_email_subject = "Brochure" });
        await EngagementAsync("meetings", contactId, new { hs_timestamp = at, hs_meeting_title = "Tour" });

        await ExpectTimelineAsync(leadId, "Working", ["IN_PROGRESS"], ["PhoneCall", "Email", "Appointment"]);
        await Task.Delay(TimeSpan.FromSeconds(3)); // Several more polls re-read the boundary records.
        await ExpectTimelineAsync(leadId, "Working", ["IN_PROGRESS"], ["PhoneCall", "Email", "Appointment"]);

        var stored = await CursorAsync("acme-hs-poll");
        var restartedAt = DateTimeOffset.UtcNow;
        await _platform.RestartDispositionAsync();
        await HubSpotAsync(HttpMethod.Patch, $"crm/v3/objects/contacts/{contactId}", new { properties = new { hs_lead_status = "UNQUALIFIED" } });
        await EngagementAsync("notes", contactId, new { hs_timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) });

        await ExpectTimelineAsync(leadId, "Lost", ["IN_PROGRESS", "UNQUALIFIED"], ["PhoneCall", "Email", "Appointment", "Note"]);
        var firstSearchAfterRestart = (await RecordsAsync("hubspot", "search"))
            .First(r => r.GetProperty("createdAt").GetDateTimeOffset() > restartedAt && r.GetProperty("fields").GetProperty("objectType").GetString() == "contacts");
        Assert.That(firstSearchAfterRestart.GetProperty("fields").GetProperty("since").GetInt64(),
            Is.GreaterThanOrEqualTo(long.Parse(stored["contacts"], CultureInfo.InvariantCulture)), "the restarted poller searches from its stored cursor");
    }

    [Test]
    public async Task HubSpot_polling_backs_off_while_HubSpot_answers_429()
    {
        var (leadId, contactId) = await HubSpotContactAsync();
        await Eventually.UntilAsync(async () => (await CursorOrNullAsync("acme-hs-poll")) is not null, TimeSpan.FromSeconds(15), "a first poll");
        var before = (await RecordsAsync("hubspot", "rate-limited")).Count;

        await SetFaultAsync(new { crm = "hubspot", mode = "429", forSeconds = 5 });
        var faultAt = DateTimeOffset.UtcNow;
        // Changed behind the API's back: the API itself answers 429 to everyone now.
        var store = _platform.Sandbox.Services.GetRequiredService<SandboxStore>();
        store.Update(store.Find("hubspot", contactId)!, new JsonObject { ["hs_lead_status"] = "CONNECTED" });

        await ExpectTimelineAsync(leadId, "Working", ["CONNECTED"], []);
        var refused = (await RecordsAsync("hubspot", "rate-limited")).Skip(before)
            .Count(r => r.GetProperty("createdAt").GetDateTimeOffset() < faultAt.AddSeconds(5));
        // Polled every second without back-off, five seconds of 429 would be refused five times or more.
        Assert.That(refused, Is.InRange(1, 3), "polls refused while rate limited");
        Assert.That(DateTimeOffset.UtcNow - faultAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }

    // ---- Salesforce ----

    private async Task<HttpClient> SalesforceAsync()
    {
        using var token = await _sandbox.PostAsync("services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "sandbox-sf-client", ["client_secret"] = "sandbox-sf-secret",
        }));
        var accessToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var client = new HttpClient { BaseAddress = new Uri(_platform.Sandbox.BaseAddress, "services/data/v60.0/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Salesforce field names as written (Status, WhoId), not camel-cased.</summary>
    private static readonly JsonSerializerOptions SalesforceNames = new();

    private static async Task<string> CreateAsync(HttpClient salesforce, string sObject, object fields)
    {
        using var response = await salesforce.PostAsJsonAsync($"sobjects/{sObject}", fields, SalesforceNames);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task UpdateAsync(HttpClient salesforce, string sObject, string id, object fields)
    {
        using var response = await salesforce.PatchAsJsonAsync($"sobjects/{sObject}/{id}", fields, SalesforceNames);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Salesforce_polling_brings_a_status_change_and_a_call_an_email_and_a_meeting_once_and_resumes_from_its_cursor_after_a_restart()
    {
        using var salesforce = await SalesforceAsync();
        var leadRecord = await CreateAsync(salesforce, "Lead", new { LastName = "Poll", Company = "Acme", Status = "Open - Not Contacted" });
        var leadId = await _platform.DeliveredLeadAsync("acme-sf-poll", "salesforce", leadRecord);

        await UpdateAsync(salesforce, "Lead", leadRecord, new { Status = "Working - Contacted" });
        await CreateAsync(salesforce, "Task", new { WhoId = leadRecord, TaskSubtype = "Call", Subject = "Intro call" });
        await CreateAsync(salesforce, "Task", new { WhoId = leadRecord, TaskSubtype = "Email", Subject = "Brochure" });
        await CreateAsync(salesforce, "Event", new { WhoId = leadRecord, Subject = "Tour", StartDateTime = DateTimeOffset.UtcNow.AddDays(2).ToString("O", CultureInfo.InvariantCulture) });

        await ExpectTimelineAsync(leadId, "Working", ["Working - Contacted"], ["PhoneCall", "Email", "Appointment"], statusesAtLeast: true);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var settled = await _platform.TimelineAsync(leadId);
        Assert.That(Raw(settled, "status").Count(s => s == "Working - Contacted"), Is.EqualTo(1), "the status once");
        Assert.That(Values(settled, "activity"), Is.EquivalentTo(new[] { "PhoneCall", "Email", "Appointment" }), "each activity once");

        var stored = await CursorAsync("acme-sf-poll");
        var restartedAt = DateTimeOffset.UtcNow;
        await _platform.RestartDispositionAsync();
        await UpdateAsync(salesforce, "Lead", leadRecord, new { Status = "Closed - Converted" });

        await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId), t => t.GetProperty("status").GetString() == "Sold",
            TimeSpan.FromSeconds(20), "the status change after the restart");
        var after = await _platform.TimelineAsync(leadId);
        Assert.That(Values(after, "activity"), Is.EquivalentTo(new[] { "PhoneCall", "Email", "Appointment" }), "nothing re-applied after the restart");
        var firstQueryAfterRestart = (await RecordsAsync("salesforce", "query"))
            .First(r => r.GetProperty("createdAt").GetDateTimeOffset() > restartedAt && r.GetProperty("fields").GetProperty("sobject").GetString() == "Lead");
        Assert.That(firstQueryAfterRestart.GetProperty("fields").GetProperty("since").GetDateTimeOffset(),
            Is.GreaterThanOrEqualTo(DateTimeOffset.Parse(stored["Lead"], CultureInfo.InvariantCulture).AddSeconds(-1)), "the restarted poller queries from its stored cursor");
    }

    [Test]
    public async Task Salesforce_polling_pages_with_nextRecordsUrl()
    {
        using var salesforce = await SalesforceAsync();
        var leadRecord = await CreateAsync(salesforce, "Lead", new { LastName = "Pages", Company = "Acme", Status = "Open - Not Contacted" });
        var leadId = await _platform.DeliveredLeadAsync("acme-sf-poll", "salesforce", leadRecord);

        // Five calls with a batch size of two: three pages, each one reached through nextRecordsUrl.
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(salesforce, "Task", new { WhoId = leadRecord, TaskSubtype = "Call", Subject = $"Call {i}" });
        }

        await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId), t => Values(t, "activity").Count == 5,
            TimeSpan.FromSeconds(20), "five calls");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.That(Values(await _platform.TimelineAsync(leadId), "activity"), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task Salesforce_polling_backs_off_on_REQUEST_LIMIT_EXCEEDED()
    {
        using var salesforce = await SalesforceAsync();
        var leadRecord = await CreateAsync(salesforce, "Lead", new { LastName = "Limit", Company = "Acme", Status = "Open - Not Contacted" });
        var leadId = await _platform.DeliveredLeadAsync("acme-sf-poll", "salesforce", leadRecord);
        var before = (await RecordsAsync("salesforce", "rate-limited")).Count;

        await SetFaultAsync(new { crm = "salesforce", mode = "request-limit", forSeconds = 5 });
        var faultAt = DateTimeOffset.UtcNow;
        var store = _platform.Sandbox.Services.GetRequiredService<SandboxStore>();
        store.Update(store.Find("salesforce", leadRecord)!, new JsonObject { ["Status"] = "Closed - Not Converted" });

        await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId), t => t.GetProperty("status").GetString() == "Lost",
            TimeSpan.FromSeconds(30), "the status once the limit lifts");
        var refused = (await RecordsAsync("salesforce", "rate-limited")).Skip(before)
            .Count(r => r.GetProperty("createdAt").GetDateTimeOffset() < faultAt.AddSeconds(5));
        Assert.That(refused, Is.InRange(1, 3), "polls refused while over the API limit");
        Assert.That(DateTimeOffset.UtcNow - faultAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(5)));
    }

    // ---- helpers ----

    private async Task ExpectTimelineAsync(Guid leadId, string status, string[] statuses, string[] activities, bool statusesAtLeast = false)
    {
        await Eventually.UntilAsync(() => _platform.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == status
                && (statusesAtLeast ? statuses.All(Raw(t, "status").Contains) : Raw(t, "status").SequenceEqual(statuses))
                && Values(t, "activity").Order().SequenceEqual(activities.Order()),
            TimeSpan.FromSeconds(30), $"status {status}, statuses [{string.Join(", ", statuses)}], activities [{string.Join(", ", activities)}]");
    }

    private static List<string> Raw(JsonElement timeline, string kind) =>
        DispositionPlatform.Entries(timeline, kind).Select(e => e.GetProperty("raw").GetString()!).ToList();

    private static List<string> Values(JsonElement timeline, string kind) =>
        DispositionPlatform.Entries(timeline, kind).Select(e => e.GetProperty("value").GetString()!).ToList();

    private async Task SetFaultAsync(object fault)
    {
        using var response = await _sandbox.PostAsJsonAsync("sandbox/faults", fault);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<List<JsonElement>> RecordsAsync(string crm, string kind) =>
        (await _sandbox.GetFromJsonAsync<List<JsonElement>>($"sandbox/records?crm={crm}&kind={kind}"))!;

    private async Task<string?> CursorOrNullAsync(string integrationId)
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<string?>("select cursor from disposition.poll_cursor where integration_id = @integrationId", new { integrationId });
    }

    private async Task<Dictionary<string, string>> CursorAsync(string integrationId) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(await CursorOrNullAsync(integrationId) ?? "{}")!;
}
