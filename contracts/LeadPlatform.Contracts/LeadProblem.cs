namespace LeadPlatform.Contracts;

/// <summary>One reason a lead was refused: the field in JSON terms (<c>prospect.lastName</c>) and what is wrong with it.</summary>
public sealed record LeadProblem
{
    public required string Field { get; init; }
    public required string Message { get; init; }
}
