namespace LeadPlatform.Contracts;

public sealed record LeadActivityRecorded
{
    public required Guid LeadId { get; init; }
    public required string IntegrationId { get; init; }
    public required string Provider { get; init; }
    public required string RawType { get; init; }
    /// <summary>One of PhoneCall, Sms, Email, Appointment, Quote, Note; null when unmapped.</summary>
    public string? Activity { get; init; }
    public string? Details { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
