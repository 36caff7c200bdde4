namespace LeadPlatform.Contracts;

/// <summary>
/// The answer to a <see cref="SubmitLead"/> that named a reply address when the lead was refused; nothing was stored.
/// <see cref="Status"/> is the HTTP status <c>POST /v1/leads</c> would have answered (400, 401, 403, 409).
/// </summary>
public sealed record LeadRefused
{
    public string? Source { get; init; }
    public string? SourceLeadId { get; init; }
    public required int Status { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<LeadProblem> Problems { get; init; }
}
