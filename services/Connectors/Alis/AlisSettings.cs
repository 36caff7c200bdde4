namespace LeadPlatform.Connectors.Alis;

/// <summary>
/// An ALIS integration's settings (<c>settings</c> of the integration). Credentials: <c>username</c>
/// (tenant-qualified, <c>user@tenant</c>) and <c>password</c>, exchanged for a bearer token.
/// </summary>
public sealed class AlisSettings
{
    /// <summary>The ALIS community (building) the prospects are for.</summary>
    public int CommunityId { get; set; } = 1;
    /// <summary>The account's own contact relationship list, as configured in its ALIS.</summary>
    public List<string> RelationshipTypes { get; set; } = ["Spouse", "Son", "Daughter", "Other Family", "Friend", "Power of Attorney", "Unknown"];
    /// <summary>The general value; unset means "Unknown" or "Other", whichever the account's list has.</summary>
    public string? RelationshipFallback { get; set; }
    /// <summary>Overrides the source derived from the lead's source (e.g. <c>roobrik</c> → "Roobrik").</summary>
    public string? Source { get; set; }

    public string Fallback() =>
        RelationshipFallback
        ?? RelationshipTypes.FirstOrDefault(v => v.Equals("Unknown", StringComparison.OrdinalIgnoreCase))
        ?? RelationshipTypes.FirstOrDefault(v => v.Equals("Other", StringComparison.OrdinalIgnoreCase))
        ?? "Unknown";
}
