using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Admin;

/// <summary>
/// <c>/v1/dealer-providers</c>: the dealer CRM provider catalog (shipped as data, docs/dealer-crms.md), read and edited
/// by role admin. A saved entry overrides the shipped one of the same id.
/// </summary>
public static class DealerProviderEndpoints
{
    public static void MapDealerProviders(this WebApplication app)
    {
        var admin = app.MapGroup("/v1/dealer-providers").AddEndpointFilter(IntegrationAdminEndpoints.RequireAdminKey).WithTags("Dealer providers");
        admin.MapGet("/", async (DealerProviderCatalog catalog, CancellationToken ct) =>
            Results.Ok((await catalog.AllAsync(ct)).Values.OrderBy(p => p.Id, StringComparer.Ordinal)))
            .Produces<IReadOnlyList<DealerProvider>>().WithSummary("Every dealer CRM provider (shipped, or as edited)");
        admin.MapGet("/{id}", async (string id, DealerProviderCatalog catalog, CancellationToken ct) =>
            await catalog.FindAsync(id, ct) is { } found ? Results.Ok(found) : Problems.Status(404, $"Dealer provider {id} not found"))
            .Produces<DealerProvider>().ProducesProblems(StatusCodes.Status404NotFound).WithSummary("One dealer CRM provider");
        admin.MapPut("/{id}", PutAsync).DocumentsBody(typeof(DealerProvider), "application/json")
            .Produces<DealerProvider>().ProducesValidationProblem().WithSummary("Create or replace a dealer CRM provider (overrides the shipped entry)");
    }

    private static async Task<IResult> PutAsync(string id, HttpRequest request, DealerProviderCatalog catalog, CancellationToken ct)
    {
        var (provider, problem) = await JsonBody.ReadAsync<DealerProvider>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var candidate = provider! with { Id = id.ToLowerInvariant() };
        var errors = DealerProviderValidator.Validate(candidate);
        if (!string.IsNullOrEmpty(provider.Id) && !provider.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
        {
            errors.TryAdd("id", [$"must match the id in the URL ({id}) or be left out"]);
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The dealer provider is not valid.");
        }
        await catalog.SaveAsync(candidate, ct);
        return Results.Ok(candidate);
    }
}

/// <summary>An ADF integration's inbound directions, checked against the dealer provider it names.</summary>
public static class DealerDirections
{
    public static async Task CheckAsync(Integration integration, DealerProviderCatalog catalog, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (!integration.Crm.Equals("adf", StringComparison.OrdinalIgnoreCase) || errors.ContainsKey("settings.dealerProvider"))
        {
            return;
        }
        var inbound = integration.Directions.Where(d => d != IntegrationDirections.Outbound).ToList();
        var named = DealerProviderCatalog.ProviderIdOf(integration);
        if (named is null)
        {
            if (inbound.Count > 0)
            {
                errors.TryAdd("settings.dealerProvider", [$"is required for {string.Join(", ", inbound)}: name the dealer CRM provider (GET /v1/dealer-providers)"]);
            }
            return;
        }
        if (await catalog.FindAsync(named, ct) is not { } provider)
        {
            errors.TryAdd("settings.dealerProvider", [$"{named} is not a dealer provider (GET /v1/dealer-providers)"]);
            return;
        }
        var lacking = inbound.Where(d => !provider.Supports(d)).ToList();
        if (lacking.Count > 0)
        {
            errors.TryAdd("directions", [$"dealer provider {provider.Id} does not support {string.Join(", ", lacking)}"]);
        }
    }
}
