using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion;

/// <summary>
/// Lead endpoints need the <c>X-Api-Key</c> of an upstream source (401 otherwise). The admin key is also
/// accepted, for operators; it acts for every source and account.
/// </summary>
public static class ApiKeyFilter
{
    private const string CallerItem = "ingestion.caller";

    public static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (IntegrationAdminEndpoints.HasAdminKey(http))
        {
            return await next(context);
        }
        var keys = http.RequestServices.GetRequiredService<SourceKeys>();
        var caller = await keys.AuthenticateAsync(http.Request.Headers[SourceKeys.Header].FirstOrDefault(), http.RequestAborted);
        if (caller is null)
        {
            return Problems.Field(SourceKeys.Header, "A valid X-Api-Key header is required", StatusCodes.Status401Unauthorized);
        }
        http.Items[CallerItem] = caller;
        return await next(context);
    }

    /// <summary>The authenticated source; null for the admin key (no restriction).</summary>
    public static ApiCaller? Caller(HttpContext http) => http.Items[CallerItem] as ApiCaller;
}
