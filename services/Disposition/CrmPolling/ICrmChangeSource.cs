using System.Text.Json;
using LeadPlatform.Integrations;
using MassTransit;

namespace LeadPlatform.Disposition.CrmPolling;

/// <summary>
/// Polls one CRM through its own API (HubSpot's CRM search, Salesforce's SOQL) instead of the platform's generic
/// changes feed. The poller owns scheduling, back-off and the stored cursor; a source reads from the cursor it is
/// given, applies through the intake, and saves its cursor after each page it applied.
/// </summary>
public interface ICrmChangeSource
{
    bool Handles(Integration integration);

    /// <returns>How many changes were applied.</returns>
    Task<int> PollAsync(Integration integration, CrmPoll poll, CancellationToken ct);
}

/// <summary>What a source gets for one poll: the stored cursor, how to store the next, and where to publish.</summary>
public sealed record CrmPoll(string? Cursor, Func<string, Task> SaveCursorAsync, IPublishEndpoint Publish)
{
    /// <summary>A source's cursor is a JSON object of per-object positions (contacts, calls…; Lead, Task…).</summary>
    public Dictionary<string, string> Positions() =>
        Cursor is { Length: > 0 } text && text.TrimStart().StartsWith('{')
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? []
            : [];

    public Task SaveAsync(Dictionary<string, string> positions) => SaveCursorAsync(JsonSerializer.Serialize(positions));
}

/// <summary>The CRM said "too many requests": the poller waits at least <see cref="RetryAfter"/> before asking again.</summary>
public sealed class CrmRateLimitedException(string message, TimeSpan? retryAfter) : HttpRequestException(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Where a first poll starts, when no cursor is stored yet.</summary>
public sealed class CrmPollSettings
{
    /// <summary>How far back the very first poll looks (hours); later polls go on from the cursor.</summary>
    public int InitialLookbackHours { get; init; } = 24;
    public int PageSize { get; init; } = 100;
    public int MaxPages { get; init; } = 20;
}
