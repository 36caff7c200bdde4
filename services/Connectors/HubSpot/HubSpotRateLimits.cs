using System.Net.Http.Headers;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>
/// Keeps each integration, or each HubSpot account when integrations name it (<see cref="HubSpotSettings.PortalId"/>),
/// under its configured requests per second across every instance of the connector (the pipeline's
/// <see cref="SharedRateLimiter"/>, in PostgreSQL), and holds every instance's calls back while HubSpot's rate-limit
/// headers say the window is used up, so the limit is respected rather than discovered by 429s.
/// </summary>
public sealed class HubSpotRateLimits(SharedRateLimiter shared)
{
    /// <summary>What shares one rate and one pause: the portal when the integration names it (HubSpot counts per app and account), else the integration.</summary>
    public static string Key(string integrationId, HubSpotSettings settings) =>
        string.IsNullOrWhiteSpace(settings.PortalId) ? $"hubspot:{integrationId}" : $"hubspot:portal:{settings.PortalId.Trim()}";

    public Task WaitAsync(string key, int requestsPerSecond, CancellationToken ct) => shared.WaitAsync(key, requestsPerSecond, ct);

    /// <summary>Pauses the key for the window's interval when a response says no request is left in it.</summary>
    public async Task ObserveAsync(string key, HttpResponseHeaders headers, CancellationToken ct)
    {
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Secondly-Remaining") is <= 0)
        {
            await PauseAsync(key, TimeSpan.FromSeconds(1), ct);
        }
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Remaining") is <= 0)
        {
            await PauseAsync(key, TimeSpan.FromMilliseconds(HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Interval-Milliseconds") ?? 10_000), ct);
        }
    }

    public Task PauseAsync(string key, TimeSpan forHowLong, CancellationToken ct) => shared.PauseAsync(key, forHowLong, ct);
}
