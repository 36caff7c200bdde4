using System.Net;
using System.Net.Http.Headers;

namespace LeadPlatform.Connectors;

/// <summary>Turns a CRM's HTTP answer into success, a transient failure or a permanent one.</summary>
public static class CrmHttp
{
    public static async Task EnsureCrmSuccessAsync(this HttpResponseMessage response, string crm, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsStringAsync(ct);
        var message = $"{crm} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}";
        if (IsTransient(response.StatusCode))
        {
            throw new CrmTransientException(message, RetryAfter(response.Headers.RetryAfter));
        }
        throw new CrmPermanentException(message);
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static string Truncate(string body) => body.Length <= 500 ? body : body[..500] + "…";
}
