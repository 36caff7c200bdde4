namespace LeadPlatform.Connectors.Enquire;

/// <summary>An Enquire individual as its API takes it.</summary>
public sealed record EnquireIndividual
{
    public required string IndividualType { get; init; }   // Prospect | Contact
    public string? FirstName { get; init; }
    public required string LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? MarketSource { get; init; }
    public string? Relationship { get; init; }
    public string? RelationshipRaw { get; init; }
    public string? LinkedProspectId { get; init; }
    public string? CommunityId { get; init; }
    /// <summary>Our reference, so a lookup finds a record an unanswered create may have made.</summary>
    public required string ExternalId { get; init; }
    public Dictionary<string, string>? SurveyData { get; init; }
}

public sealed record EnquireReport
{
    public required string ExternalId { get; init; }
    public string? Title { get; init; }
    public string? Outcome { get; init; }
    public string? CareLevel { get; init; }
    public string? Url { get; init; }
    public string? Text { get; init; }
    public DateTimeOffset? TakenAt { get; init; }
}

/// <summary>What one lead becomes in Enquire: a prospect, maybe a contact acting for them, maybe a report.</summary>
public sealed record EnquirePlan(EnquireIndividual Prospect, EnquireIndividual? Contact, EnquireReport? Report);
