using System.Text.Json;
using LeadPlatform.Disposition.CrmPolling;
using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;

namespace LeadPlatform.Disposition.Dealer;

/// <summary>
/// Polls a dealer CRM's "changes since a cursor" feed, read as its provider's <see cref="DealerFeed"/> describes: GET the
/// URL with the cursor parameter, take the items, each item's id, lead reference, status and activities, then the next
/// cursor. The poller holds the lease and stores the cursor after each page applied, so a restart resumes there and a
/// page read twice applies nothing twice (each change is keyed by its id).
/// </summary>
public sealed class DealerFeedSource(IHttpClientFactory http, DealerProviderCatalog providers, DispositionIntake intake) : ICrmChangeSource
{
    public bool Handles(Integration integration) => integration.Crm.Equals("adf", StringComparison.OrdinalIgnoreCase);

    public async Task<int> PollAsync(Integration integration, CrmPoll poll, CancellationToken ct)
    {
        var feed = await FeedOfAsync(integration, ct);
        var limits = integration.SettingsAs<CrmPollSettings>();
        var cursor = poll.Cursor;
        var applied = 0;
        for (var page = 0; page < limits.MaxPages; page++)
        {
            var answer = await GetAsync(integration, feed, cursor, ct);
            var items = JsonPaths.Find(answer, feed.ItemsPath) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().ToList() : [];
            var changes = items.Select(item => Change(feed, item)).OfType<CrmChange>().ToList();
            applied += (await intake.ApplyAsync(integration, changes, "poll", poll.Publish, ct)).Applied;
            var next = JsonPaths.Text(answer, feed.CursorPath);
            if (next is null || next == cursor)
            {
                break;
            }
            cursor = next;
            // Stored after the page is applied: a crash in between re-reads the page, which applies nothing twice.
            await poll.SaveCursorAsync(cursor);
            if (items.Count == 0)
            {
                break;
            }
        }
        return applied;
    }

    private async Task<DealerFeed> FeedOfAsync(Integration integration, CancellationToken ct)
    {
        var id = DealerProviderCatalog.ProviderIdOf(integration)
            ?? throw new IntegrationSettingsException($"integration {integration.Id} names no dealer provider (settings.dealerProvider)");
        var provider = await providers.FindAsync(id, ct)
            ?? throw new IntegrationSettingsException($"integration {integration.Id} names dealer provider {id}, which does not exist");
        return provider.Feed ?? throw new IntegrationSettingsException($"dealer provider {id} has no changes feed to poll");
    }

    private async Task<JsonElement> GetAsync(Integration integration, DealerFeed feed, string? cursor, CancellationToken ct)
    {
        var url = feed.UrlTemplate.Replace("{endpoint}", integration.Endpoint?.TrimEnd('/') ?? "", StringComparison.Ordinal);
        if (cursor is not null)
        {
            url += $"{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{feed.CursorParam}={Uri.EscapeDataString(cursor)}";
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (feed.AuthHeader is { } header && integration.Credential("apiKey") is { Length: > 0 } key)
        {
            request.Headers.TryAddWithoutValidation(header, feed.AuthValue.Replace("{credential}", key, StringComparison.Ordinal));
        }
        using var response = await http.CreateClient(DispositionPoller.HttpClientName).SendAsync(request, ct);
        if (CrmHttp.IsTooManyRequests(response))
        {
            throw new CrmRateLimitedException($"dealer feed rate limit ({(int)response.StatusCode})", CrmHttp.RetryAfter(response));
        }
        return await CrmHttp.ReadJsonAsync(response, "dealer feed", ct);
    }

    /// <summary>One feed item as a change; null when it names no lead or carries nothing (skipped, like a malformed change).</summary>
    private static CrmChange? Change(DealerFeed feed, JsonElement item)
    {
        if (JsonPaths.Time(item, feed.TimePath) is not { } at)
        {
            return null;
        }
        var leadId = Guid.TryParse(JsonPaths.Text(item, feed.LeadIdPath) ?? JsonPaths.Text(item, feed.AdfProspectIdPath), out var id) ? id : (Guid?)null;
        var activities = JsonPaths.Find(item, feed.ActivitiesPath) is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray()
                .Select(a => JsonPaths.Text(a, feed.ActivityTypePath) is { } type
                    ? new ActivityInput(type, JsonPaths.Text(a, feed.ActivityDetailsPath), JsonPaths.Time(a, feed.ActivityTimePath) ?? at)
                    : null)
                .OfType<ActivityInput>().ToList()
            : [];
        var e = new DispositionEvent
        {
            EventId = JsonPaths.Text(item, feed.IdPath) is { } changeId ? $"dealer-feed:{changeId}" : null,
            LeadId = leadId,
            RecordId = leadId is null ? JsonPaths.Text(item, feed.CrmRecordIdPath) : null,
            ContactEmail = JsonPaths.Text(item, feed.EmailPath),
            Status = JsonPaths.Text(item, feed.StatusPath),
            Activities = activities,
            OccurredAt = at,
        };
        return (e.LeadId ?? (object?)e.RecordId ?? e.ContactEmail) is null || (e.Status is null && activities.Count == 0) ? null : new CrmChange(e);
    }
}
