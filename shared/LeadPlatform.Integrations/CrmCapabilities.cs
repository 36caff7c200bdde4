namespace LeadPlatform.Integrations;

/// <summary>What each CRM the platform ships can do; an integration asking for more is refused.</summary>
public static class CrmCapabilities
{
    private static readonly Dictionary<string, string[]> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        ["enquire"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        ["alis"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
        ["salesforce"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        ["hubspot"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        ["adf"] = [IntegrationDirections.Outbound],
    };

    public static IReadOnlyCollection<string> KnownCrms => Supported.Keys;

    public static bool IsKnown(string crm) => Supported.ContainsKey(crm);

    public static bool Supports(string crm, string direction) =>
        Supported.TryGetValue(crm, out var directions) && directions.Contains(direction);
}
