using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.Disposition.CrmPolling;

/// <summary>
/// Polls HubSpot with its CRM search API (private app token in <c>credentials.accessToken</c>, scopes
/// <c>crm.objects.contacts.read</c> and the engagement objects' read scopes): contacts modified since the cursor
/// (sorted by <c>lastmodifieddate</c>) give their <c>hs_lead_status</c>; calls, emails, meetings, notes and tasks
/// modified since their cursors, with their contacts read through the v4 associations batch API, give activities on
/// the contacts the platform delivered; deals (where the integration shares opportunities) give opportunities on their
/// associated contacts (<see cref="HubSpotDeals"/>). Cursors are per object, in Unix ms, searched with GTE: a record re-read at
/// the boundary is applied once all the same (event ids, unchanged statuses skipped).
/// </summary>
public sealed class HubSpotChangeSource(IHttpClientFactory http, DispositionIntake intake, TimeProvider clock) : ICrmChangeSource
{
    private const string Contacts = "contacts";

    /// <summary>Engagement object, its type in our mappings, and the property shown as details (none for note bodies: free text).</summary>
    private static readonly (string Object, string Type, string? Details)[] Engagements =
    [
        ("calls", "CALL", "hs_call_title"), ("emails", "EMAIL", "hs_email_subject"), ("meetings", "MEETING", "hs_meeting_title"),
        ("notes", "NOTE", null), ("tasks", "TASK", "hs_task_subject"),
    ];

    public bool Handles(Integration integration) => integration.Crm.Equals("hubspot", StringComparison.OrdinalIgnoreCase);

    public async Task<int> PollAsync(Integration integration, CrmPoll poll, CancellationToken ct)
    {
        var settings = integration.SettingsAs<CrmPollSettings>();
        var positions = poll.Positions();
        var start = CrmHttp.Millis(clock.GetUtcNow().AddHours(-settings.InitialLookbackHours));
        var applied = 0;
        applied += await ObjectAsync(integration, poll, positions, Contacts, ["hs_lead_status"], start, settings, ContactChanges, ct);
        foreach (var (objectType, type, details) in Engagements)
        {
            string[] properties = details is null ? ["hs_timestamp"] : ["hs_timestamp", details];
            applied += await ObjectAsync(integration, poll, positions, objectType, properties, start, settings,
                (i, results, c) => EngagementChangesAsync(i, objectType, type, details, results, c), ct);
        }
        if (DispositionApplier.SharesOpportunities(integration))
        {
            applied += await ObjectAsync(integration, poll, positions, "deals", HubSpotDeals.Properties, start, settings,
                async (i, results, c) => HubSpotDeals.Changes(results, await ContactsOfAsync(i, "deals", results, c)), ct);
        }
        return applied;
    }

    private delegate Task<List<CrmChange>> ChangesOf(Integration integration, List<JsonElement> results, CancellationToken ct);

    /// <summary>Searches one object type from its cursor, page by page, applying and saving the cursor after each.</summary>
    private async Task<int> ObjectAsync(
        Integration integration, CrmPoll poll, Dictionary<string, string> positions, string objectType, string[] properties,
        string start, CrmPollSettings settings, ChangesOf changesOf, CancellationToken ct)
    {
        var since = positions.GetValueOrDefault(objectType) ?? start;
        var modified = objectType == Contacts ? "lastmodifieddate" : "hs_lastmodifieddate";
        string? after = null;
        var applied = 0;
        for (var page = 0; page < settings.MaxPages; page++)
        {
            var body = new
            {
                filterGroups = new[] { new { filters = new[] { new { propertyName = modified, @operator = "GTE", value = since } } } },
                sorts = new[] { new { propertyName = modified, direction = "ASCENDING" } },
                properties, limit = settings.PageSize, after,
            };
            var answer = await SendAsync(integration, HttpMethod.Post, $"crm/v3/objects/{objectType}/search", body, ct);
            var results = answer.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
            var changes = await changesOf(integration, results, ct);
            applied += (await intake.ApplyAsync(integration, changes, "poll", poll.Publish, ct)).Applied;
            if (results.Select(x => x.TryGetProperty("updatedAt", out var u) ? CrmHttp.Time(u) : null).Max() is { } latest)
            {
                positions[objectType] = CrmHttp.Millis(latest);
                await poll.SaveAsync(positions);
            }
            after = answer.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object
                && paging.TryGetProperty("next", out var next) ? CrmHttp.Text(next, "after") : null;
            if (after is null)
            {
                break;
            }
        }
        return applied;
    }

    private static Task<List<CrmChange>> ContactChanges(Integration integration, List<JsonElement> results, CancellationToken ct) =>
        Task.FromResult(results.Select(contact =>
        {
            var properties = contact.GetProperty("properties");
            var updatedAt = contact.TryGetProperty("updatedAt", out var u) ? CrmHttp.Time(u) : null;
            return CrmHttp.Text(contact, "id") is { } id && CrmHttp.Text(properties, "hs_lead_status") is { } status && updatedAt is { } at
                ? new CrmChange(new DispositionEvent { EventId = $"hubspot-contact:{id}:{CrmHttp.Millis(at)}", RecordId = id, Status = status, OccurredAt = at }, "hs_lead_status")
                : null;
        }).OfType<CrmChange>().ToList());

    /// <summary>One activity per engagement and associated contact; the event id is the one webhooks use too.</summary>
    private async Task<List<CrmChange>> EngagementChangesAsync(
        Integration integration, string objectType, string type, string? detailsProperty, List<JsonElement> results, CancellationToken ct)
    {
        var contactsOf = await ContactsOfAsync(integration, objectType, results, ct);
        var changes = new List<CrmChange>();
        foreach (var engagement in results)
        {
            var id = CrmHttp.Text(engagement, "id") ?? "";
            var properties = engagement.GetProperty("properties");
            var at = (properties.TryGetProperty("hs_timestamp", out var ts) ? CrmHttp.Time(ts) : null)
                ?? (engagement.TryGetProperty("createdAt", out var c) ? CrmHttp.Time(c) : null) ?? clock.GetUtcNow();
            var details = detailsProperty is null ? null : CrmHttp.Text(properties, detailsProperty);
            foreach (var contactId in contactsOf.GetValueOrDefault(id) ?? [])
            {
                changes.Add(new CrmChange(new DispositionEvent
                {
                    EventId = $"hubspot-{type.ToLowerInvariant()}:{id}:{contactId}",
                    RecordId = contactId,
                    Activities = [new ActivityInput(type, details, at)],
                    OccurredAt = at,
                }));
            }
        }
        return changes;
    }

    /// <summary>Deals read by id (a webhook named them): their opportunity events, with the same ids polling gives.</summary>
    public async Task<List<CrmChange>> DealChangesAsync(Integration integration, IReadOnlyList<string> dealIds, CancellationToken ct)
    {
        if (dealIds.Count == 0)
        {
            return [];
        }
        var answer = await SendAsync(integration, HttpMethod.Post, "crm/v3/objects/deals/batch/read",
            new { properties = HubSpotDeals.Properties, inputs = dealIds.Select(id => new { id }) }, ct);
        var results = answer.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
        return HubSpotDeals.Changes(results, await ContactsOfAsync(integration, "deals", results, ct));
    }

    /// <summary>The contacts each record is associated with (v4 associations batch read).</summary>
    private async Task<Dictionary<string, List<string>>> ContactsOfAsync(
        Integration integration, string objectType, List<JsonElement> results, CancellationToken ct)
    {
        var ids = results.Select(e => CrmHttp.Text(e, "id")).OfType<string>().ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var associations = await SendAsync(integration, HttpMethod.Post, $"crm/v4/associations/{objectType}/contacts/batch/read",
            new { inputs = ids.Select(id => new { id }) }, ct);
        return associations.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().ToDictionary(
                x => CrmHttp.Text(x.GetProperty("from"), "id") ?? "",
                x => x.TryGetProperty("to", out var to) ? to.EnumerateArray().Select(t => CrmHttp.Text(t, "toObjectId")).OfType<string>().ToList() : [])
            : [];
    }

    private async Task<JsonElement> SendAsync(Integration integration, HttpMethod method, string path, object body, CancellationToken ct)
    {
        var endpoint = integration.Endpoint?.TrimEnd('/') ?? throw new HttpRequestException($"Integration {integration.Id} has no endpoint");
        using var request = new HttpRequestMessage(method, $"{endpoint}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", integration.Credential("accessToken"));
        using var response = await http.CreateClient(DispositionPoller.HttpClientName).SendAsync(request, ct);
        if (CrmHttp.IsTooManyRequests(response))
        {
            // HubSpot names the window it counted: the secondly one frees in a second, the rolling one in ten.
            var answer = await response.Content.ReadAsStringAsync(ct);
            var wait = CrmHttp.RetryAfter(response) ?? (answer.Contains("TEN_SECONDLY", StringComparison.Ordinal) ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(1));
            throw new CrmRateLimitedException(string.Create(CultureInfo.InvariantCulture, $"hubspot rate limit (429), waiting {wait.TotalSeconds:0.#} s"), wait);
        }
        return await CrmHttp.ReadJsonAsync(response, "hubspot", ct);
    }
}
