using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors;

/// <summary>
/// Optional, next to <see cref="ICrmConnector"/>: a connector that can bring a record it already delivered up to
/// date. Write only what the integration's field-update policy allows; the pipeline calls it once per update
/// version, for deliveries that were delivered. Throw as for a delivery (permanent or transient).
/// </summary>
public interface ICrmUpdater
{
    Task UpdateAsync(UpdateRequest request, CancellationToken ct);
}

/// <param name="RecordIds">The CRM record ids the delivery recorded in the ledger (e.g. <c>contact</c> → id).</param>
/// <param name="ChangedFields">The canonical field paths that changed (<c>prospect.phone</c>).</param>
public sealed record UpdateRequest(
    Guid LeadId,
    Lead Lead,
    Integration Integration,
    IReadOnlyDictionary<string, string> RecordIds,
    IReadOnlyList<string> ChangedFields,
    int Version);
