namespace LeadPlatform.Contracts;

/// <summary>
/// An operator's request (ingestion's <c>/v1/admin/deliveries/.../replay</c>) to the connector pipeline, which owns the
/// delivery ledger: deliver this failed delivery again. Only a delivery the ledger holds as failed is replayed, so a
/// repeated request is a no-op; the outcome comes back as <see cref="LeadDelivered"/> or <see cref="LeadDeliveryFailed"/>.
/// </summary>
public sealed record ReplayDelivery
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
