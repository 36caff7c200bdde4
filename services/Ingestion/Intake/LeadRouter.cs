using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>Decides, once, which integrations receive a lead: the account's outbound integrations whose level and filter take it.</summary>
public sealed class LeadRouter(IntegrationStore integrations)
{
    public async Task<IReadOnlyList<PlannedDelivery>> PlanAsync(Lead lead, CancellationToken ct)
    {
        var candidates = await integrations.ForAccountAsync(lead.AccountId, ct);
        return candidates
            .Where(i => i.Directions.Contains(IntegrationDirections.Outbound) && Takes(i, lead))
            .Select(i => new PlannedDelivery { IntegrationId = i.Id, Crm = i.Crm })
            .ToList();
    }

    public static bool Takes(Integration integration, Lead lead)
    {
        var levelMatches = integration.Level switch
        {
            IntegrationLevels.Dealer => integration.DealerId is not null && Same(integration.DealerId, lead.DealerId),
            IntegrationLevels.Oem => integration.OemId is not null && Same(integration.OemId, lead.OemId),
            _ => true,
        };
        var filter = integration.Filter;
        return levelMatches
            && (filter.Sources is not { Count: > 0 } || filter.Sources.Any(s => Same(s, lead.Source)))
            && (filter.Dealers is not { Count: > 0 } || filter.Dealers.Any(d => Same(d, lead.DealerId)))
            && (filter.Programs is not { Count: > 0 } || filter.Programs.Any(p => lead.Programs?.Any(lp => Same(p, lp)) == true));
    }

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
