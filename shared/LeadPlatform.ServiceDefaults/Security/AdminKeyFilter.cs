using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.ServiceDefaults.Security;

/// <summary>
/// Endpoint filters over the <c>X-Admin-Key</c> header: no or an unknown key answers 401 (and counts as a failed
/// authentication), a key whose role is too low 403. Account-scoped viewer keys are refused (403) unless the endpoint
/// says it checks the account of what it returns (<c>accountScoped: true</c>).
/// </summary>
public static class AdminKeyFilter
{
    public const string Header = "X-Admin-Key";
    private const string PrincipalItem = "leadplatform.admin";

    /// <summary>Role admin: integrations, source keys, program rules, erasures. For <c>AddEndpointFilter</c>.</summary>
    public static ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Filter(context, next, AdminRole.Admin, accountScoped: false);

    /// <summary>Role operator or admin: replays and drains.</summary>
    public static ValueTask<object?> RequireOperator(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Filter(context, next, AdminRole.Operator, accountScoped: false);

    /// <summary>Any role, keys limited to one account refused: reads that span accounts.</summary>
    public static ValueTask<object?> RequireViewer(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Filter(context, next, AdminRole.Viewer, accountScoped: false);

    /// <summary>Adds a filter that requires an admin key of <paramref name="role"/> or above.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, AdminRole role, bool accountScoped = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => Filter(context, next, role, accountScoped));

    private static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next, AdminRole role, bool accountScoped) =>
        Check(context.HttpContext, role, accountScoped) is { } refusal ? refusal : await next(context);

    /// <summary>The refusal for this request, or null when its admin key has <paramref name="role"/> (the principal is then kept).</summary>
    public static IResult? Check(HttpContext http, AdminRole role, bool accountScoped)
    {
        var limiter = http.RequestServices.GetRequiredService<AuthFailureLimiter>();
        if (limiter.Refusal(http) is { } tooMany)
        {
            return tooMany;
        }
        if (Authenticate(http) is not { } principal)
        {
            limiter.Failed(http);
            return Problems.Field(Header, $"A valid {Header} header is required", StatusCodes.Status401Unauthorized);
        }
        if (!principal.Has(role) || (principal.AccountId is not null && !accountScoped))
        {
            var needs = principal.Has(role) ? "a key that is not limited to one account" : $"a key with role {role.ToString().ToLowerInvariant()} or above";
            return Problems.Field(Header, $"This endpoint needs {needs}", StatusCodes.Status403Forbidden);
        }
        return null;
    }

    /// <summary>The admin principal of the request's <c>X-Admin-Key</c>, or null (no header, or no such key). Remembered per request.</summary>
    public static AdminPrincipal? Authenticate(HttpContext http)
    {
        if (http.Items.TryGetValue(PrincipalItem, out var known))
        {
            return known as AdminPrincipal;
        }
        var given = http.Request.Headers[Header].FirstOrDefault();
        var principal = given is null ? null : http.RequestServices.GetRequiredService<AdminKeyRing>().Authenticate(given);
        http.Items[PrincipalItem] = principal;
        return principal;
    }

    /// <summary>Whether the request carries an <c>X-Admin-Key</c> header at all (valid or not).</summary>
    public static bool Sent(HttpContext http) => http.Request.Headers.ContainsKey(Header);
}
