using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Ingestion.Sources;

/// <summary>
/// Lead endpoints need the <c>X-Api-Key</c> of an upstream source (401 otherwise). An admin key (<c>X-Admin-Key</c>) is
/// also accepted, for operators: reads need role viewer (a viewer of one account reads only that account's leads), writes
/// role operator. When both headers come, the admin key decides. Failed keys count towards the per-IP limit.
/// </summary>
public static class ApiKeyFilter
{
    private const string CallerItem = "ingestion.caller";

    public static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (AdminKeyFilter.Sent(http))
        {
            var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
            return AdminKeyFilter.Check(http, read ? AdminRole.Viewer : AdminRole.Operator, accountScoped: read) is { } refusal
                ? refusal
                : await next(context);
        }
        var limiter = http.RequestServices.GetRequiredService<AuthFailureLimiter>();
        if (limiter.Refusal(http) is { } tooMany)
        {
            return tooMany;
        }
        var keys = http.RequestServices.GetRequiredService<SourceKeys>();
        var caller = await keys.AuthenticateAsync(http.Request.Headers[SourceKeys.Header].FirstOrDefault(), http.RequestAborted);
        if (caller is null)
        {
            limiter.Failed(http);
            return Problems.Field(SourceKeys.Header, "A valid X-Api-Key header is required", StatusCodes.Status401Unauthorized);
        }
        http.Items[CallerItem] = caller;
        return await next(context);
    }

    /// <summary>The authenticated source; null for an admin key (see <see cref="Admin"/>).</summary>
    public static ApiCaller? Caller(HttpContext http) => http.Items[CallerItem] as ApiCaller;

    /// <summary>The admin key's principal, when the request came with one.</summary>
    public static AdminPrincipal? Admin(HttpContext http) => AdminKeyFilter.Authenticate(http);

    /// <summary>Whether this request may read a lead of <paramref name="source"/> on <paramref name="accountId"/>.</summary>
    public static bool MayRead(HttpContext http, string source, string accountId) => Caller(http) is { } caller
        ? caller.MayRead(source, accountId)
        : Admin(http) is { } admin && admin.Sees(accountId);
}
