namespace LeadPlatform.Integrations;

/// <summary>
/// What each CRM the platform ships can do; an integration asking for more is refused (when it is saved, and again
/// by the disposition service). <see cref="DispositionChannels"/> says through what each inbound direction works.
/// </summary>
public static class CrmCapabilities
{
    private static readonly Dictionary<string, string[]> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        // Enquire's API (individuals, reports) has no webhooks or change feed of its own that we could verify;
        // dispositions come only through the platform's generic signed push or feed, set up on the account's side.
        ["enquire"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        // ALIS's API (prospects, contacts) sends no webhooks: no push. Polling reads the platform's generic feed.
        ["alis"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
        ["salesforce"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        ["hubspot"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
        // ADF itself is one-way; what comes back depends on the dealer CRM provider the integration names
        // (settings.dealerProvider, see DealerProviders): inbound directions are checked against that provider.
        ["adf"] = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush, IntegrationDirections.InboundPoll],
    };

    /// <summary>The channel behind each inbound direction, per CRM (docs/disposition.md tells how to set each up).</summary>
    private static readonly Dictionary<string, Dictionary<string, string[]>> Channels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["enquire"] = new() { [IntegrationDirections.InboundPush] = ["generic-push"], [IntegrationDirections.InboundPoll] = ["generic-feed"] },
        ["alis"] = new() { [IntegrationDirections.InboundPoll] = ["generic-feed"] },
        ["salesforce"] = new()
        {
            [IntegrationDirections.InboundPush] = ["salesforce-outbound-message", "generic-push"],
            [IntegrationDirections.InboundPoll] = ["salesforce-soql"],
        },
        ["hubspot"] = new()
        {
            [IntegrationDirections.InboundPush] = ["hubspot-webhook-v3", "generic-push"],
            [IntegrationDirections.InboundPoll] = ["hubspot-crm-search"],
        },
        ["adf"] = new() { [IntegrationDirections.InboundPush] = ["dealer-push"], [IntegrationDirections.InboundPoll] = ["dealer-feed"] },
    };

    public static IReadOnlyCollection<string> KnownCrms => Supported.Keys;

    public static bool IsKnown(string crm) => Supported.ContainsKey(crm);

    public static bool Supports(string crm, string direction) =>
        Supported.TryGetValue(crm, out var directions) && directions.Contains(direction);

    /// <summary>The channels through which <paramref name="crm"/> sends dispositions in <paramref name="direction"/>; empty when none.</summary>
    public static IReadOnlyList<string> DispositionChannels(string crm, string direction) =>
        Channels.TryGetValue(crm, out var byDirection) && byDirection.TryGetValue(direction, out var channels) ? channels : [];
}
