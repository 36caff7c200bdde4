namespace LeadPlatform.Contracts;

/// <summary>
/// Opportunity information a CRM reported for a lead we delivered, for integrations that share it back to the supplier
/// (published by Disposition to the exchange <c>LeadPlatform.Contracts:LeadOpportunityUpdated</c>). Carries no
/// personal data: the opportunity's id, stage, amount and close date.
/// </summary>
public sealed record LeadOpportunityUpdated
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Provider { get; init; }
    public string? Stage { get; init; }
    public decimal? Amount { get; init; }
    public DateOnly? CloseDate { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    /// <summary>The CRM's id of the opportunity (Salesforce Opportunity, HubSpot deal); null when the CRM sent none.</summary>
    public string? OpportunityId { get; init; }
    /// <summary>How the opportunity found the lead: <c>record</c> (it names the CRM record we delivered) or <c>email</c> (its contact's email).</summary>
    public string? MatchedBy { get; init; }
}
