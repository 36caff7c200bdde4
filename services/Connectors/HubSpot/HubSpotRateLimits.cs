using System.Net.Http.Headers;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>
/// Keeps each integration under its configured requests per second across every instance of the connector (the
/// pipeline's <see cref="SharedRateLimiter"/>, in PostgreSQL), and holds every instance's calls back while HubSpot's
/// rate-limit headers say the window is used up, so the limit is respected rather than discovered by 429s.
/// </summary>
public sealed class HubSpotRateLimits(SharedRateLimiter shared)
{
    private static string Key(string integrationId) => $"hubspot:{integrationId}";

    public Task WaitAsync(string integrationId, int requestsPerSecond, CancellationToken ct) =>
        shared.WaitAsync(Key(integrationId), requestsPerSecond, ct);

    /// <summary>Pauses the integration for the window's interval when a response says no request is left in it.</summary>
    public async Task ObserveAsync(string integrationId, HttpResponseHeaders headers, CancellationToken ct)
    {
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Secondly-Remaining") is <= 0)
        {
            await PauseAsync(integrationId, TimeSpan.FromSeconds(1), ct);
        }
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Remaining") is <= 0)
        {
            await PauseAsync(integrationId, TimeSpan.FromMilliseconds(HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Interval-Milliseconds") ?? 10_000), ct);
        }
    }

    public Task PauseAsync(string integrationId, TimeSpan forHowLong, CancellationToken ct) =>
        shared.PauseAsync(Key(integrationId), forHowLong, ct);
}
