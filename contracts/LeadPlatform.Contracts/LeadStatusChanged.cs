namespace LeadPlatform.Contracts;

public sealed record LeadStatusChanged
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Provider { get; init; }
    public required string RawStatus { get; init; }
    /// <summary>One of Pending, Viewed, Assigned, Working, Sold, Lost, Abandoned; null when unmapped.</summary>
    public string? Status { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
