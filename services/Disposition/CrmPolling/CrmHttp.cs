using System.Globalization;
using System.Net;
using System.Text.Json;

namespace LeadPlatform.Disposition.CrmPolling;

/// <summary>Shared by the CRM sources: reading a JSON answer, and turning a CRM's refusal into the poller's exceptions.</summary>
public static class CrmHttp
{
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string crm, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{crm} answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>The wait a 429 (or 503) asks for in Retry-After, as seconds or a date.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    public static bool IsTooManyRequests(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.TooManyRequests;

    public static string Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static DateTimeOffset? Time(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
        JsonValueKind.Number when value.TryGetInt64(out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
        _ => null,
    };

    public static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
