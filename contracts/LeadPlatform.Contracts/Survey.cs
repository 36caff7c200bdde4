namespace LeadPlatform.Contracts;

public sealed record Survey
{
    public string? Name { get; init; }
    public string? Outcome { get; init; }
    public string? CareLevel { get; init; }
    public string? CompletedBy { get; init; }
    public string? ContactPreference { get; init; }
    public string? ReportUrl { get; init; }
    public string? ReportText { get; init; }
    public string? Notes { get; init; }
}
