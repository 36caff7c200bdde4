using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LeadPlatform.Disposition.Salesforce;
using LeadPlatform.Integrations;

namespace LeadPlatform.Disposition.CrmPolling;

/// <summary>
/// Polls Salesforce with SOQL through the REST query resource, as the integration's API user (connected app,
/// <c>credentials.clientId</c>/<c>clientSecret</c>, client-credentials grant, or <c>refreshToken</c>): Leads (their
/// Status; Contacts too when <c>settings.contactStatusField</c> names a field), Tasks and Events with a WhoId, and
/// Opportunities where the integration shares them (<see cref="SalesforceOpportunities"/>),
/// each <c>WHERE SystemModstamp &gt;= cursor ORDER BY SystemModstamp</c>, following <c>nextRecordsUrl</c> page by
/// page. Records the platform did not deliver are skipped. <c>403 REQUEST_LIMIT_EXCEEDED</c> and 429 are the org's
/// API limits: the poll stops and backs off instead of spending more of the daily allowance.
/// </summary>
public sealed class SalesforceChangeSource(IHttpClientFactory http, DispositionIntake intake, TimeProvider clock) : ICrmChangeSource
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();

    private sealed record Session(string AccessToken, string InstanceUrl);

    public sealed class SalesforcePollSettings
    {
        public string ApiVersion { get; init; } = "v60.0";
        /// <summary>Sent as <c>Sforce-Query-Options: batchSize=n</c> (Salesforce takes 200 to 2000); null leaves Salesforce's default.</summary>
        public int? QueryBatchSize { get; init; }
        public string? ContactStatusField { get; init; }
    }

    public bool Handles(Integration integration) => integration.Crm.Equals("salesforce", StringComparison.OrdinalIgnoreCase);

    public async Task<int> PollAsync(Integration integration, CrmPoll poll, CancellationToken ct)
    {
        var settings = integration.SettingsAs<SalesforcePollSettings>();
        var limits = integration.SettingsAs<CrmPollSettings>();
        var positions = poll.Positions();
        var start = clock.GetUtcNow().AddHours(-limits.InitialLookbackHours).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var applied = 0;
        var queries = new List<(string Object, string Fields, Func<JsonElement, CrmChange?> Change)>
        {
            ("Lead", $"Id, {SalesforceActivities.LeadStatusField}, SystemModstamp", r => StatusChange(r, SalesforceActivities.LeadStatusField)),
        };
        if (settings.ContactStatusField is { Length: > 0 } contactStatus && IsFieldName(contactStatus))
        {
            queries.Add(("Contact", $"Id, {contactStatus}, SystemModstamp", r => StatusChange(r, contactStatus)));
        }
        queries.Add(("Task", "Id, WhoId, Subject, TaskSubtype, Type, ActivityDate, CreatedDate, SystemModstamp", TaskChange));
        queries.Add(("Event", "Id, WhoId, Subject, StartDateTime, SystemModstamp", EventChange));
        if (DispositionApplier.SharesOpportunities(integration))
        {
            queries.Add(("Opportunity", SalesforceOpportunities.PollFields, OpportunityChange));
        }
        foreach (var (sObject, fields, change) in queries)
        {
            var since = positions.GetValueOrDefault(sObject) ?? start;
            var who = sObject is "Task" or "Event" ? " AND WhoId != null" : "";
            var soql = $"SELECT {fields} FROM {sObject} WHERE SystemModstamp >= {Literal(since)}{who} ORDER BY SystemModstamp ASC";
            var next = $"/services/data/{settings.ApiVersion}/query?q={Uri.EscapeDataString(soql)}";
            for (var page = 0; page < limits.MaxPages && next is not null; page++)
            {
                var answer = await GetAsync(integration, next, settings, ct);
                var records = answer.TryGetProperty("records", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
                applied += (await intake.ApplyAsync(integration, records.Select(change).OfType<CrmChange>(), "poll", poll.Publish, ct)).Applied;
                if (records.Select(x => x.TryGetProperty("SystemModstamp", out var s) ? CrmHttp.Time(s) : null).Max() is { } latest)
                {
                    positions[sObject] = latest.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
                    await poll.SaveAsync(positions);
                }
                next = answer.TryGetProperty("done", out var done) && done.ValueKind == JsonValueKind.False ? CrmHttp.Text(answer, "nextRecordsUrl") : null;
            }
        }
        return applied;
    }

    private static CrmChange? StatusChange(JsonElement record, string field) =>
        CrmHttp.Text(record, "Id") is { } id && CrmHttp.Text(record, field) is { } status
        && record.TryGetProperty("SystemModstamp", out var s) && CrmHttp.Time(s) is { } at
            ? new CrmChange(new DispositionEvent { EventId = $"salesforce-status:{id}:{at.ToUnixTimeMilliseconds()}", RecordId = id, Status = status, OccurredAt = at }, field)
            : null;

    private static CrmChange? TaskChange(JsonElement record) =>
        Activity(record, SalesforceActivities.TaskEventId, SalesforceActivities.TaskType(name => CrmHttp.Text(record, name)),
            Time(record, "ActivityDate") ?? Time(record, "CreatedDate"));

    private static CrmChange? EventChange(JsonElement record) =>
        Activity(record, SalesforceActivities.EventEventId, "Event", Time(record, "StartDateTime"));

    /// <summary>The same event ids as outbound messages use, so a Task arriving both ways is applied once.</summary>
    private static CrmChange? Activity(JsonElement record, Func<string, string> eventId, string type, DateTimeOffset? at) =>
        CrmHttp.Text(record, "Id") is { } id && CrmHttp.Text(record, "WhoId") is { } whoId && (at ?? Time(record, "SystemModstamp")) is { } when
            ? new CrmChange(new DispositionEvent
            {
                EventId = eventId(id), RecordId = whoId, OccurredAt = when,
                Activities = [new ActivityInput(type, SalesforceActivities.Details(name => CrmHttp.Text(record, name)), when)],
            })
            : null;

    private static CrmChange? OpportunityChange(JsonElement record) =>
        SalesforceOpportunities.Change(name => CrmHttp.Text(record, name),
            record.TryGetProperty("Contact", out var contact) ? CrmHttp.Text(contact, "Email") : null, Time(record, "SystemModstamp"));

    private static DateTimeOffset? Time(JsonElement record, string name) => record.TryGetProperty(name, out var v) ? CrmHttp.Time(v) : null;

    /// <summary>A SOQL dateTime literal, to the second; the query uses &gt;= so a record in the same second is re-read, not lost.</summary>
    private static string Literal(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Only a plain API name goes into SOQL.</summary>
    private static bool IsFieldName(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private async Task<JsonElement> GetAsync(Integration integration, string pathAndQuery, SalesforcePollSettings settings, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var session = _sessions.TryGetValue(integration.Id, out var cached) ? cached : await SignInAsync(integration, ct);
            using var request = new HttpRequestMessage(HttpMethod.Get, session.InstanceUrl.TrimEnd('/') + pathAndQuery);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
            if (settings.QueryBatchSize is { } batchSize)
            {
                request.Headers.Add("Sforce-Query-Options", string.Create(CultureInfo.InvariantCulture, $"batchSize={batchSize}"));
            }
            using var response = await http.CreateClient(DispositionPoller.HttpClientName).SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                _sessions.TryRemove(integration.Id, out _); // The session expired: sign in again, once.
                continue;
            }
            var text = await response.Content.ReadAsStringAsync(ct);
            if (CrmHttp.IsTooManyRequests(response) || (response.StatusCode == HttpStatusCode.Forbidden && text.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal)))
            {
                throw new CrmRateLimitedException($"salesforce API limit ({(int)response.StatusCode} REQUEST_LIMIT_EXCEEDED)", CrmHttp.RetryAfter(response));
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"salesforce answered {(int)response.StatusCode}", null, response.StatusCode);
            }
            return JsonDocument.Parse(text).RootElement;
        }
    }

    private async Task<Session> SignInAsync(Integration integration, CancellationToken ct)
    {
        var endpoint = integration.Endpoint?.TrimEnd('/') ?? throw new HttpRequestException($"Integration {integration.Id} has no endpoint");
        var form = new Dictionary<string, string>
        {
            ["client_id"] = integration.Credential("clientId") ?? "",
            ["client_secret"] = integration.Credential("clientSecret") ?? "",
        };
        if (integration.Credential("refreshToken") is { Length: > 0 } refreshToken)
        {
            form["grant_type"] = "refresh_token";
            form["refresh_token"] = refreshToken;
        }
        else
        {
            form["grant_type"] = "client_credentials";
        }
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.CreateClient(DispositionPoller.HttpClientName)
            .PostAsync(integration.Credential("tokenUrl") ?? $"{endpoint}/services/oauth2/token", content, ct);
        var token = await CrmHttp.ReadJsonAsync(response, "salesforce token endpoint", ct);
        var session = new Session(
            CrmHttp.Text(token, "access_token") ?? throw new JsonException("No access_token in the token answer"),
            CrmHttp.Text(token, "instance_url") ?? endpoint);
        _sessions[integration.Id] = session;
        return session;
    }
}
