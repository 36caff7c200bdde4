namespace LeadPlatform.Ingestion.Privacy;

/// <summary>The body of <c>POST /v1/erasures</c>: exactly one of <c>email</c> or <c>leadId</c>.</summary>
public sealed record ErasureRequest
{
    public string? Email { get; init; }
    public string? LeadId { get; init; }

    public const int MaxEmailLength = 320;

    /// <summary>What to erase, or the problems naming the fields.</summary>
    public (ErasureSubject? Subject, Dictionary<string, string[]> Errors) Validate()
    {
        var errors = new Dictionary<string, string[]>();
        var hasEmail = !string.IsNullOrWhiteSpace(Email);
        var hasLeadId = !string.IsNullOrWhiteSpace(LeadId);
        if (!hasEmail && !hasLeadId)
        {
            errors["email"] = ["either email or leadId is required"];
            errors["leadId"] = ["either email or leadId is required"];
        }
        else if (hasEmail && hasLeadId)
        {
            errors["leadId"] = ["give either email or leadId, not both"];
        }
        else if (hasEmail && (Email!.Length > MaxEmailLength || !Email.Contains('@', StringComparison.Ordinal) || Email.Any(char.IsControl)))
        {
            errors["email"] = [$"must be an email address (at most {MaxEmailLength} characters)"];
        }
        else if (hasLeadId && !Guid.TryParse(LeadId, out _))
        {
            errors["leadId"] = ["must be a lead id (a UUID)"];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (hasEmail ? new ErasureSubject(Email!.Trim(), null) : new ErasureSubject(null, Guid.Parse(LeadId!)), errors);
    }
}

/// <summary>Whom to erase: everything holding this email anywhere in the lead, or one lead.</summary>
public sealed record ErasureSubject(string? Email, Guid? LeadId)
{
    public string Kind => Email is null ? "leadId" : "email";
}
