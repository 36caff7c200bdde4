using LeadPlatform.Contracts;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Ingestion.Sources;

/// <summary>Per-source settings (<c>Sources:&lt;source&gt;</c>): the name CRMs show for the source.</summary>
public sealed class SourceOptions
{
    /// <summary>"Roobrik" for <c>roobrik</c>: what Enquire's market source, ALIS's source and Salesforce's LeadSource say.</summary>
    public string? DisplayName { get; set; }
}

/// <summary>Puts the source's configured display name on the lead it sends to the connectors.</summary>
public sealed class SourceNames(IOptionsMonitor<Dictionary<string, SourceOptions>> sources)
{
    public Lead Apply(Lead lead) =>
        !string.IsNullOrWhiteSpace(lead.SourceName) ? lead
        : sources.CurrentValue.TryGetValue(lead.Source, out var source) && !string.IsNullOrWhiteSpace(source.DisplayName)
            ? lead with { SourceName = source.DisplayName }
            : lead;
}
