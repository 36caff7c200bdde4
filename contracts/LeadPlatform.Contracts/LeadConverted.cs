namespace LeadPlatform.Contracts;

/// <summary>Published by ingestion's outbox relay once a sales opt-in is committed.</summary>
public sealed record LeadConverted
{
    public required Guid LeadId { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required Lead Lead { get; init; }
    public required IReadOnlyList<PlannedDelivery> Deliveries { get; init; }
}
