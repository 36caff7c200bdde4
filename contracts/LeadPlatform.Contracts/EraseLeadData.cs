namespace LeadPlatform.Contracts;

/// <summary>
/// Ingestion's request (<c>POST /v1/erasures</c>) to the owner of one store: erase every copy of these leads you hold
/// and answer with <see cref="LeadDataErased"/>. Published; only the owner of <see cref="Store"/> answers. Carries lead
/// ids only, never the person's data, so the request itself leaves nothing personal on the broker.
/// </summary>
public sealed record EraseLeadData
{
    public required Guid ErasureId { get; init; }
    /// <summary><c>delivery</c> (the connectors' ledger), <c>disposition</c> or <c>notifications</c>.</summary>
    public required string Store { get; init; }
    public required IReadOnlyList<Guid> LeadIds { get; init; }
}
