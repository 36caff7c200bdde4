namespace LeadPlatform.Contracts;

public sealed record Interaction
{
    /// <summary><c>chat</c>, <c>meeting</c>, <c>experience</c> or <c>form</c>.</summary>
    public string? Kind { get; init; }
    public string? RepEmail { get; init; }
}
