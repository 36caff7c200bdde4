namespace LeadPlatform.Contracts;

/// <summary>
/// Published by ingestion's outbox relay when an accepted lead changed (a resubmission of the same source and
/// source lead id with a different body, or <c>PATCH /v1/leads/{leadId}</c>). Carries the whole updated lead;
/// <see cref="Version"/> grows by one with each update of the lead, so a consumer applies each once and never
/// lets an older update overwrite a newer one.
/// </summary>
public sealed record LeadUpdated
{
    public required Guid LeadId { get; init; }
    public required Lead Lead { get; init; }
    /// <summary>The changed field paths of the canonical lead, camelCase (<c>prospect.phone</c>, <c>customFields.budget</c>).</summary>
    public required IReadOnlyList<string> ChangedFields { get; init; }
    /// <summary>1 for the first update of the lead, then 2, 3, ...</summary>
    public required int Version { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The lead's planned deliveries (as in its <see cref="LeadConverted"/>).</summary>
    public required IReadOnlyList<PlannedDelivery> Deliveries { get; init; }
}
