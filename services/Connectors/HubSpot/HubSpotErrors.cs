using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>Reads HubSpot's error answers: <c>{"status":"error","message","category"|"errorType","policyName"}</c>.</summary>
public static partial class HubSpotErrors
{
    /// <summary>The existing contact's id in a 409's message: "Contact already exists. Existing ID: 12345".</summary>
    public static string? ExistingId(string body) =>
        ExistingIdPattern().Match(Message(body) ?? body) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>
    /// How long to hold off after a 429: its Retry-After; else by the limit that was hit (<c>policyName</c>):
    /// a second for the secondly limit, an hour for the daily one; else the rolling window's
    /// <c>X-HubSpot-RateLimit-Interval-Milliseconds</c>; else ten seconds (HubSpot's rolling window).
    /// </summary>
    public static TimeSpan RetryAfter(string body, HttpResponseHeaders headers)
    {
        if (CrmHttp.RetryAfter(headers.RetryAfter) is { } retryAfter)
        {
            return retryAfter;
        }
        var policy = Property(body, "policyName") ?? "";
        if (policy.Contains("SECONDLY", StringComparison.OrdinalIgnoreCase) && !policy.Contains("TEN", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.FromSeconds(1);
        }
        if (policy.Contains("DAILY", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.FromHours(1);
        }
        return Header(headers, "X-HubSpot-RateLimit-Interval-Milliseconds") is { } interval
            ? TimeSpan.FromMilliseconds(interval)
            : TimeSpan.FromSeconds(10);
    }

    /// <summary>429, 5xx and 408 are retried; anything else (validation, auth, scopes) fails with HubSpot's message.</summary>
    public static Exception ToException(HttpStatusCode status, string body, HttpResponseHeaders headers)
    {
        var described = $"HubSpot answered {(int)status}: {Property(body, "category") ?? Property(body, "errorType")}: {Message(body) ?? Truncate(body)}";
        if (status == HttpStatusCode.TooManyRequests)
        {
            return new CrmTransientException(described, RetryAfter(body, headers));
        }
        return CrmHttp.IsTransient(status)
            ? new CrmTransientException(described, CrmHttp.RetryAfter(headers.RetryAfter))
            : new CrmPermanentException(described);
    }

    public static long? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Message(string body) => Property(body, "message");

    private static string? Property(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string body) => body.Length <= 300 ? body : body[..300] + "…";

    [GeneratedRegex(@"Existing ID:\s*(\d+)")]
    private static partial Regex ExistingIdPattern();
}
