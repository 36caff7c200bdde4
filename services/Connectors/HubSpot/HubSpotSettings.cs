namespace LeadPlatform.Connectors.HubSpot;

/// <summary>
/// A HubSpot integration's settings. The endpoint is the API base (<c>https://api.hubapi.com</c>); the
/// credential <c>accessToken</c> is a private-app or OAuth access token.
/// </summary>
public sealed class HubSpotSettings
{
    /// <summary><c>hs_lead_status</c> of a new contact (NEW, OPEN, IN_PROGRESS, …); null leaves it unset.</summary>
    public string? LeadStatus { get; set; } = "NEW";
    /// <summary><c>lifecyclestage</c> of a new contact; default <c>lead</c> when the usage profile records leads, else unset.</summary>
    public string? LifecycleStage { get; set; }
    /// <summary>Requests per second the connector allows itself for this integration, or for its portal when it names one.</summary>
    public int MaxRequestsPerSecond { get; set; } = 9;
    /// <summary>
    /// The HubSpot account (hub id) the token belongs to. HubSpot counts its limits per app and account, so
    /// integrations naming the same portal share one rate and one pause; without it each integration has its own.
    /// </summary>
    public string? PortalId { get; set; }
    /// <summary>Contact property that receives the notes (comments and, when enabled, custom fields).</summary>
    public string NotesProperty { get; set; } = "message";
    public UsageProfile UsageProfile { get; set; } = new();
}
