namespace LeadPlatform.Connectors.Alis;

/// <summary>An ALIS prospect as its integration API takes it.</summary>
public sealed record AlisProspect
{
    public required int CommunityId { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Source { get; init; }
    /// <summary>Our reference, so a lookup finds a prospect an unanswered create may have made.</summary>
    public required string ReferenceId { get; init; }
    public AlisNotes? Notes { get; init; }
}

/// <summary>The person acting for the prospect (the one who took the survey on their behalf).</summary>
public sealed record AlisContact
{
    public string? FirstName { get; init; }
    public required string LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public required string Relationship { get; init; }
    public string? RelationshipRaw { get; init; }
    public bool IsMainContact { get; init; } = true;
    public required string ReferenceId { get; init; }
}

/// <summary>The prospect's notes: the survey's custom fields.</summary>
public sealed record AlisNotes
{
    public required IReadOnlyDictionary<string, string> CustomFields { get; init; }
}

/// <summary>What one lead becomes in ALIS: a prospect, and maybe a main contact acting for them.</summary>
public sealed record AlisPlan(AlisProspect Prospect, AlisContact? MainContact);
