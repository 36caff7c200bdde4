namespace LeadPlatform.Connectors.Salesforce;

/// <summary>
/// A Salesforce integration's settings. The endpoint is the org's login / My Domain URL (the OAuth token
/// endpoint is <c>{endpoint}/services/oauth2/token</c>); API calls go to the <c>instance_url</c> the token
/// answer names. Credentials: <c>clientId</c>, <c>clientSecret</c> and, for the refresh-token grant,
/// <c>refreshToken</c> (without it the client-credentials grant is used).
/// </summary>
public sealed class SalesforceSettings
{
    public string ApiVersion { get; set; } = "v60.0";
    /// <summary>The team connection's Salesforce user id: owner of new leads no rep with an individual connection owns.</summary>
    public string? TeamUserId { get; set; }
    /// <summary>Individual connections: rep email → Salesforce user id.</summary>
    public Dictionary<string, string> RepUserIds { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Company of a new Lead when the lead has none (Lead.Company is required).</summary>
    public string? Company { get; set; }
    /// <summary>LeadSource of new records; default the lead's source, capitalized.</summary>
    public string? LeadSource { get; set; }
    /// <summary>For new Contacts (usage profile <c>recordAs: contact</c>): the Account they belong to.</summary>
    public string? AccountId { get; set; }
    /// <summary>Calls per second to this org, shared by every instance of the connector; none when unset.</summary>
    public int? MaxRequestsPerSecond { get; set; }
    /// <summary>How long to wait after <c>REQUEST_LIMIT_EXCEEDED</c> (Salesforce sends no Retry-After).</summary>
    public int RequestLimitRetryAfterSeconds { get; set; } = 300;
    /// <summary>Token lifetime when the token answer has no <c>expires_in</c> (Salesforce's usually has none).</summary>
    public int TokenLifetimeMinutes { get; set; } = 30;
    public UsageProfile UsageProfile { get; set; } = new();
}
