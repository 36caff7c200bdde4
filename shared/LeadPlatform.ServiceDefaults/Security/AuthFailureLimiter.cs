using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeadPlatform.ServiceDefaults.Security;

public sealed class AuthFailureOptions
{
    public const string Section = "Security:AuthFailures";

    /// <summary>Failed authentications one client IP may make per <see cref="Window"/> with one presented credential.</summary>
    public int PermitLimit { get; set; } = 20;

    /// <summary>
    /// Failed authentications one client IP may make per <see cref="Window"/> whatever it presents (a caller trying a new
    /// key each time). Default: 10 times <see cref="PermitLimit"/>.
    /// </summary>
    public int? AddressPermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Rate limits failed authentication (bad API key, admin key or webhook signature) with .NET's built-in fixed-window
/// limiter (System.Threading.RateLimiting, the one ASP.NET Core's rate-limiting middleware uses). The middleware itself
/// counts every request, so a busy source would be limited for its good leads; here only failures spend permits.
/// Failures are counted per client IP and presented credential (a digest of the X-Admin-Key or X-Api-Key, or the
/// integration a push names), so one caller repeating a wrong key locks out that key from that address only, not
/// everyone behind the same address (the console, a proxy, a CRM's webhook senders); and per client IP overall with a
/// higher limit, so trying a new key each time is limited too. Once spent, requests of that partition get 429 with
/// Retry-After before their credentials are looked at. Behind a proxy, configure forwarded headers so the client IP is
/// the caller's.
/// </summary>
public sealed class AuthFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perCredential;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly TimeSpan _window;

    public AuthFailureLimiter(IOptions<AuthFailureOptions> options)
    {
        var o = options.Value;
        _window = o.Window;
        _perCredential = Create(Math.Max(1, o.PermitLimit), o.Window);
        _perAddress = Create(Math.Max(1, o.AddressPermitLimit ?? o.PermitLimit * 10), o.Window);
    }

    private static PartitionedRateLimiter<string> Create(int limit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0 }));

    /// <summary>A 429 answer when the caller (address and credential, or address overall) used up its failures, else null.</summary>
    /// <param name="presented">What the caller authenticates for when it is not a key header (a push: its integration id).</param>
    public IResult? Refusal(HttpContext http, string? presented = null)
    {
        var ip = ClientIp(http);
        using var address = _perAddress.AttemptAcquire(ip, 0);
        if (!address.IsAcquired)
        {
            return TooMany(http, address);
        }
        using var credential = _perCredential.AttemptAcquire(CredentialKey(http, ip, presented), 0);
        return credential.IsAcquired ? null : TooMany(http, credential);
    }

    /// <summary>Counts a failed authentication of the caller.</summary>
    public void Failed(HttpContext http, string? presented = null)
    {
        var ip = ClientIp(http);
        using var address = _perAddress.AttemptAcquire(ip, 1);
        using var credential = _perCredential.AttemptAcquire(CredentialKey(http, ip, presented), 1);
    }

    private IResult TooMany(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _window;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many failed authentications from this address",
            "Wait for the time in Retry-After, then authenticate with valid credentials");
    }

    private static string ClientIp(HttpContext http) => (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    /// <summary>
    /// The address and what the request presents: the integration a push names, else a short digest of its key (the
    /// key itself is never kept).
    /// </summary>
    private static string CredentialKey(HttpContext http, string ip, string? presented)
    {
        var what = presented is not null ? "push:" + presented
            : http.Request.Headers["X-Admin-Key"].FirstOrDefault() is { Length: > 0 } admin ? "admin:" + admin
            : http.Request.Headers["X-Api-Key"].FirstOrDefault() is { Length: > 0 } api ? "api:" + api
            : "";
        var digest = what.Length == 0 ? "none" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(what)), 0, 8);
        return ip + "|" + digest;
    }

    public void Dispose()
    {
        _perCredential.Dispose();
        _perAddress.Dispose();
    }
}
