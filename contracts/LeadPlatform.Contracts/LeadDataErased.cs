namespace LeadPlatform.Contracts;

/// <summary>The answer to <see cref="EraseLeadData"/>: what one store erased, and which CRM records it knew of.</summary>
public sealed record LeadDataErased
{
    public required Guid ErasureId { get; init; }
    public required string Store { get; init; }
    /// <summary>Rows erased (deleted, or stripped of personal data) per table.</summary>
    public required IReadOnlyDictionary<string, int> Erased { get; init; }
    /// <summary>CRM records that still hold the person: the platform cannot erase those, an operator asks the CRM.</summary>
    public IReadOnlyList<CrmRecordRef> CrmRecords { get; init; } = [];
}
