namespace LeadPlatform.Connectors.Enquire;

/// <summary>An Enquire integration's settings (<c>settings</c> of the integration); the key is credential <c>subscriptionKey</c>.</summary>
public sealed class EnquireSettings
{
    /// <summary>The account's own relationship list, as configured in its Enquire instance.</summary>
    public List<string> RelationshipTypes { get; set; } = ["Child", "Spouse", "Parent", "Sibling", "Relative", "Friend", "Professional", "Other"];
    public string RelationshipFallback { get; set; } = "Other";
    /// <summary>Overrides the market source derived from the lead's source (e.g. <c>roobrik</c> → "Roobrik").</summary>
    public string? MarketSource { get; set; }
    public string? CommunityId { get; set; }
}
