namespace LeadPlatform.Contracts;

public sealed record LeadDelivered
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Crm { get; init; }
    /// <summary>CRM record ids by record kind, e.g. <c>prospect</c> → <c>P-123</c>.</summary>
    public required IReadOnlyDictionary<string, string> RecordIds { get; init; }
    /// <summary><c>created</c> or <c>updated</c>.</summary>
    public required string Outcome { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required DateTimeOffset DeliveredAt { get; init; }
}
