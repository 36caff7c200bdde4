namespace LeadPlatform.Contracts;

/// <summary>Opportunity information a CRM reported for a lead we delivered, for integrations that share it back to the supplier.</summary>
public sealed record LeadOpportunityUpdated
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Provider { get; init; }
    public string? Stage { get; init; }
    public decimal? Amount { get; init; }
    public DateOnly? CloseDate { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
