namespace LeadPlatform.Contracts;

/// <summary>The person who converted on the prospect's behalf.</summary>
public sealed record Contact
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    /// <summary>Free text as the person wrote it ("Daughter", "son-in-law").</summary>
    public string? Relationship { get; init; }
}
