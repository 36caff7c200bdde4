namespace LeadPlatform.Contracts;

/// <summary>
/// The answer to a <see cref="SubmitLead"/> that named a reply address (MassTransit's <c>ResponseAddress</c>, a request
/// client): the lead is stored under <see cref="LeadId"/>. A repeat of an earlier lead answers its id with
/// <see cref="Duplicate"/> true.
/// </summary>
public sealed record LeadAccepted
{
    public required Guid LeadId { get; init; }
    public required string Source { get; init; }
    public required string SourceLeadId { get; init; }
    public required bool Duplicate { get; init; }
}
