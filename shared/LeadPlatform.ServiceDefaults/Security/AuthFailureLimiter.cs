using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeadPlatform.ServiceDefaults.Security;

public sealed class AuthFailureOptions
{
    public const string Section = "Security:AuthFailures";

    /// <summary>Failed authentications one client IP may make per <see cref="Window"/>.</summary>
    public int PermitLimit { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Rate limits failed authentication (bad API key, admin key or webhook signature) per client IP with .NET's built-in
/// fixed-window limiter (System.Threading.RateLimiting, the one ASP.NET Core's rate-limiting middleware uses). The
/// middleware itself counts every request, so a busy source would be limited for its good leads; here only failures
/// spend permits. Once an IP has spent them, every request of it that needs authentication gets 429 with Retry-After
/// before its credentials are looked at, so it cannot go on guessing. Behind a proxy, configure forwarded headers so
/// the client IP is the caller's.
/// </summary>
public sealed class AuthFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _window;

    public AuthFailureLimiter(IOptions<AuthFailureOptions> options)
    {
        var o = options.Value;
        _window = o.Window;
        _limiter = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, o.PermitLimit), Window = o.Window, QueueLimit = 0 }));
    }

    /// <summary>A 429 answer when the caller's IP has used up its failures, else null (go on and authenticate).</summary>
    public IResult? Refusal(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(ClientIp(http), 0);
        return lease.IsAcquired ? null : TooMany(http, lease);
    }

    /// <summary>Counts a failed authentication of the caller's IP.</summary>
    public void Failed(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(ClientIp(http), 1);
    }

    private IResult TooMany(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _window;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many failed authentications from this address",
            "Wait for the time in Retry-After, then authenticate with valid credentials");
    }

    private static string ClientIp(HttpContext http) => (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    public void Dispose() => _limiter.Dispose();
}
