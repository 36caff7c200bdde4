using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>
/// <c>GET /v1/admin/me</c>: the name, role and account of the given admin key, so the console can sign a person in
/// with their key (401 for no or an unknown key, counted against the per-IP limit like any other).
/// </summary>
public static class AdminIdentityEndpoint
{
    public static void MapAdminIdentity(this WebApplication app) =>
        app.MapGet("/v1/admin/me", (HttpContext http) => AdminKeyFilter.Authenticate(http) is { } principal
                ? Results.Ok(new { name = principal.Name, role = principal.Role.ToString().ToLowerInvariant(), accountId = principal.AccountId })
                : Results.Unauthorized())
            .RequireRole(AdminRole.Viewer, accountScoped: true)
            .WithTags("Operations")
            .Produces<IngestionResponses.AdminIdentity>()
            .WithSummary("The calling admin key's name, role and account (X-Admin-Key, any role)");
}
