using System.Net;
using System.Text.Json;

namespace LeadPlatform.Connectors.Salesforce;

/// <summary>One entry of Salesforce's REST error array: <c>[{"message","errorCode","fields"}]</c>.</summary>
public sealed record SalesforceError(string? Message, string? ErrorCode, IReadOnlyList<string>? Fields);

/// <summary>Reads Salesforce's error answers and says whether they are worth retrying.</summary>
public static class SalesforceErrors
{
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";
    public const string InvalidSession = "INVALID_SESSION_ID";
    /// <summary>Codes Salesforce answers for a momentary condition, whatever the HTTP status.</summary>
    private static readonly HashSet<string> TransientCodes = [RequestLimitExceeded, "SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW"];

    public static IReadOnlyList<SalesforceError> Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var items = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().ToList()
                : [document.RootElement];
            return items.Where(i => i.ValueKind == JsonValueKind.Object).Select(i => new SalesforceError(
                Text(i, "message"),
                Text(i, "errorCode"),
                i.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array
                    ? fields.EnumerateArray().Select(f => f.ToString()).ToList()
                    : null)).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The exception a failed answer becomes: throttling (<c>REQUEST_LIMIT_EXCEEDED</c>, usually a 403) waits the
    /// Retry-After or the integration's back-off; 5xx, 408, 429 and lock contention retry; anything else (validation,
    /// permissions, a session still invalid after a refresh) fails the delivery with Salesforce's message.
    /// </summary>
    public static Exception ToException(HttpStatusCode status, string body, TimeSpan? retryAfter, TimeSpan requestLimitBackoff)
    {
        var errors = Parse(body);
        var described = Describe(status, errors, body);
        if (errors.Any(e => e.ErrorCode == RequestLimitExceeded))
        {
            return new CrmTransientException(described, retryAfter ?? requestLimitBackoff);
        }
        if (CrmHttp.IsTransient(status) || errors.Any(e => e.ErrorCode is { } code && TransientCodes.Contains(code)))
        {
            return new CrmTransientException(described, retryAfter);
        }
        return new CrmPermanentException(described);
    }

    public static bool IsRequestLimitExceeded(string body) => Parse(body).Any(e => e.ErrorCode == RequestLimitExceeded);

    public static bool IsInvalidSession(HttpStatusCode status, string body) =>
        status == HttpStatusCode.Unauthorized && (Parse(body) is not { Count: > 0 } errors || errors.Any(e => e.ErrorCode == InvalidSession));

    private static string Describe(HttpStatusCode status, IReadOnlyList<SalesforceError> errors, string body)
    {
        var details = errors.Count == 0
            ? (body.Length <= 300 ? body : body[..300] + "…")
            : string.Join("; ", errors.Select(e => $"{e.ErrorCode}: {Message(e)}" + (e.Fields is { Count: > 0 } f ? $" [{string.Join(", ", f)}]" : "")));
        return $"Salesforce answered {(int)status}: {details}";
    }

    /// <summary>A refused query's message quotes the query, and with it the prospect's email: not for logs.</summary>
    private static string? Message(SalesforceError error) =>
        error.ErrorCode == "MALFORMED_QUERY" ? "the lookup query was refused" : error.Message;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
