namespace LeadPlatform.Contracts;

/// <summary>A record a lead created in a CRM, e.g. Enquire prospect <c>P-123</c> through integration <c>acme-enquire</c>.</summary>
public sealed record CrmRecordRef
{
    public required string IntegrationId { get; init; }
    /// <summary>Empty when the store that knew the record does not know the CRM (ingestion fills it from the integration).</summary>
    public string Crm { get; init; } = "";
    public string RecordKind { get; init; } = "";
    public required string RecordId { get; init; }
}
