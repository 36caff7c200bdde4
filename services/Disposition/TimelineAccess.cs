using System.Net;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Disposition;

/// <summary>
/// Who may read a lead's timeline: an admin key of role viewer or above (a viewer of one account: that account's leads
/// only), or the <c>X-Api-Key</c> of a source that may read the lead. Source keys belong to ingestion, so ingestion is
/// asked (<c>GET /v1/leads/{id}</c> with that key, at <c>Disposition:IngestionUrl</c>): a timeline is readable exactly
/// when the lead is. Whoever may not read it gets the same 404 as for a lead that does not exist.
/// </summary>
public sealed class TimelineAccess(IHttpClientFactory http)
{
    public const string HttpClientName = "ingestion-leads";
    public const string SourceKeyHeader = "X-Api-Key";

    public enum Verdict { Allowed, Hidden, Unauthenticated, Unavailable }

    public async Task<(Verdict Verdict, IResult? Refusal)> CheckAsync(HttpContext context, Guid leadId, string? accountId, CancellationToken ct)
    {
        if (AdminKeyFilter.Sent(context))
        {
            if (AdminKeyFilter.Check(context, AdminRole.Viewer, accountScoped: true) is { } refusal)
            {
                return (Verdict.Unauthenticated, refusal);
            }
            return AdminKeyFilter.Authenticate(context)!.Sees(accountId) ? (Verdict.Allowed, null) : (Verdict.Hidden, null);
        }
        var limiter = context.RequestServices.GetRequiredService<AuthFailureLimiter>();
        if (limiter.Refusal(context) is { } tooMany)
        {
            return (Verdict.Unauthenticated, tooMany);
        }
        var key = context.Request.Headers[SourceKeyHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            limiter.Failed(context);
            return (Verdict.Unauthenticated, Unauthenticated());
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/leads/{leadId}");
        request.Headers.Add(SourceKeyHeader, key);
        HttpResponseMessage answer;
        try
        {
            answer = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        }
        catch (HttpRequestException)
        {
            return (Verdict.Unavailable, Unavailable());
        }
        using (answer)
        {
            switch (answer.StatusCode)
            {
                case HttpStatusCode.OK:
                    return (Verdict.Allowed, null);
                case HttpStatusCode.NotFound or HttpStatusCode.Forbidden:
                    return (Verdict.Hidden, null);
                case HttpStatusCode.Unauthorized:
                    limiter.Failed(context);
                    return (Verdict.Unauthenticated, Unauthenticated());
                default:
                    return (Verdict.Unavailable, Unavailable());
            }
        }
    }

    private static IResult Unauthenticated() => Problems.Field(AdminKeyFilter.Header,
        $"A valid {AdminKeyFilter.Header} (role viewer or above) or {SourceKeyHeader} of the lead's source is required", StatusCodes.Status401Unauthorized);

    private static IResult Unavailable() =>
        Problems.Status(StatusCodes.Status503ServiceUnavailable, "Source keys cannot be checked now (ingestion does not answer)");
}
