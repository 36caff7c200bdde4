namespace LeadPlatform.Contracts;

public sealed record Address
{
    public string? Street { get; init; }
    public string? City { get; init; }
    public string? RegionCode { get; init; }
    public string? PostalCode { get; init; }
    public string? Country { get; init; }
}
