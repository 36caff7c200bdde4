using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Threading.RateLimiting;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>
/// Keeps each integration under its configured requests per second (a sliding window over all of the
/// connector's concurrent deliveries), and holds its calls back while HubSpot's rate-limit headers say the
/// window is used up, so the limit is respected rather than discovered by 429s.
/// </summary>
public sealed class HubSpotRateLimits(TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<(string IntegrationId, int Rate), RateLimiter> _limiters = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new();

    public async Task WaitAsync(string integrationId, int requestsPerSecond, CancellationToken ct)
    {
        if (_pausedUntil.TryGetValue(integrationId, out var until) && until - clock.GetUtcNow() is { Ticks: > 0 } pause)
        {
            await Task.Delay(pause, clock, ct);
        }
        var limiter = _limiters.GetOrAdd((integrationId, Math.Max(1, requestsPerSecond)), key => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = key.Rate,
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 4,
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
        using var lease = await limiter.AcquireAsync(1, ct);
        if (!lease.IsAcquired)
        {
            throw new CrmTransientException("HubSpot rate limit of this integration has too many calls waiting", TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Pauses the integration for the window's interval when a response says no request is left in it.</summary>
    public void Observe(string integrationId, HttpResponseHeaders headers)
    {
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Secondly-Remaining") is <= 0)
        {
            Pause(integrationId, TimeSpan.FromSeconds(1));
        }
        if (HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Remaining") is <= 0)
        {
            Pause(integrationId, TimeSpan.FromMilliseconds(HubSpotErrors.Header(headers, "X-HubSpot-RateLimit-Interval-Milliseconds") ?? 10_000));
        }
    }

    public void Pause(string integrationId, TimeSpan forHowLong)
    {
        var until = clock.GetUtcNow() + forHowLong;
        _pausedUntil.AddOrUpdate(integrationId, until, (_, current) => current > until ? current : until);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
