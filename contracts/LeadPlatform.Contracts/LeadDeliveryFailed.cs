namespace LeadPlatform.Contracts;

public sealed record LeadDeliveryFailed
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Crm { get; init; }
    public required string Reason { get; init; }
    /// <summary>True when the CRM refused the lead (validation, auth); false when retries ran out.</summary>
    public required bool Permanent { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
