using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors;

/// <summary>The name a CRM shows for the lead's source: the one configured for the source (carried on the lead).</summary>
public static class SourceDisplayName
{
    /// <summary>
    /// <see cref="Lead.SourceName"/>; only a lead accepted before names were configured (or a source without one)
    /// falls back to its id capitalized, so a CRM never gets an empty source.
    /// </summary>
    public static string Of(Lead lead) =>
        !string.IsNullOrWhiteSpace(lead.SourceName) ? lead.SourceName
        : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(lead.Source.ToLowerInvariant());
}
