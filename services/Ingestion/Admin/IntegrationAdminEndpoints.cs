using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Ingestion.Admin;

/// <summary><c>/v1/integrations</c>: integrations as data, behind the <c>X-Admin-Key</c> header.</summary>
public static class IntegrationAdminEndpoints
{
    public static void MapIntegrationAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/v1/integrations").AddEndpointFilter(RequireAdminKey);
        admin.MapGet("/", async (IntegrationStore store, CancellationToken ct) =>
            Results.Ok((await store.AllAsync(ct)).Values.OrderBy(i => i.Id, StringComparer.Ordinal).Select(Redacted)))
            .Produces<IReadOnlyList<Integration>>();
        admin.MapGet("/{id}", async (string id, IntegrationStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } found ? Results.Ok(Redacted(found)) : Problems.Status(404, $"Integration {id} not found"))
            .Produces<Integration>().ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapPut("/{id}", PutAsync).DocumentsBody(typeof(Integration), "application/json")
            .Produces<Integration>().ProducesProblems(StatusCodes.Status400BadRequest);
        admin.MapDelete("/{id}", async (string id, IntegrationStore store, CancellationToken ct) =>
            await store.DeleteAsync(id, ct) ? Results.NoContent() : Problems.Status(404, $"Integration {id} not found"))
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PutAsync(
        string id, HttpRequest request, IntegrationStore store, LeadPlatform.Integrations.DealerProviders.DealerProviderCatalog dealerProviders, CancellationToken ct)
    {
        var (integration, problem) = await JsonBody.ReadAsync<Integration>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var errors = IntegrationValidator.Validate(integration! with { Id = id });
        await DealerDirections.CheckAsync(integration with { Id = id }, dealerProviders, errors, ct);
        var (candidate, maskErrors) = IntegrationSecrets.Merge(integration with { Id = id }, await store.FindAsync(id, ct));
        foreach (var (field, messages) in maskErrors)
        {
            errors.TryAdd(field, messages);
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The integration is not valid.");
        }
        await store.UpsertAsync(candidate, ct);
        return Results.Ok(Redacted(candidate));
    }

    /// <summary>Credentials never leave the API.</summary>
    private static Integration Redacted(Integration i) => IntegrationSecrets.Redacted(i);

    /// <summary>Role admin (see <see cref="AdminKeyFilter"/>); kept under this name for the endpoints that use it.</summary>
    internal static ValueTask<object?> RequireAdminKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        AdminKeyFilter.RequireAdmin(context, next);

    /// <summary>Whether the request carries a valid admin key of role admin.</summary>
    internal static bool HasAdminKey(HttpContext http) => AdminKeyFilter.Authenticate(http) is { Role: AdminRole.Admin, AccountId: null };
}
