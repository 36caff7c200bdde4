namespace LeadPlatform.Contracts;

/// <summary>One integration that must receive the lead, decided once by ingestion.</summary>
public sealed record PlannedDelivery
{
    public required string IntegrationId { get; init; }
    /// <summary>Lower-case CRM name: <c>enquire</c>, <c>alis</c>, <c>salesforce</c>, <c>hubspot</c>, <c>adf</c>.</summary>
    public required string Crm { get; init; }
}
