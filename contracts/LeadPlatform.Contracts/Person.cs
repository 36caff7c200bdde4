namespace LeadPlatform.Contracts;

public sealed record Person
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public Address? Address { get; init; }
}
