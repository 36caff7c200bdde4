namespace LeadPlatform.Disposition;

/// <summary>One provider event in the pipeline's own shape, whatever shape the provider sent it in.</summary>
public sealed record DispositionEvent
{
    /// <summary>The provider's id for the event; null when it has none (a content hash stands in).</summary>
    public string? EventId { get; init; }
    public Guid? LeadId { get; init; }
    public string? RecordId { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<ActivityInput> Activities { get; init; } = [];
    /// <summary>A third way to name the lead, used for opportunities: the contact's email.</summary>
    public string? ContactEmail { get; init; }
    public OpportunityInput? Opportunity { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

public sealed record ActivityInput(string Type, string? Details, DateTimeOffset? OccurredAt);

/// <summary>An opportunity's state; <paramref name="Id"/> is the CRM's id of it (one lead may have several).</summary>
public sealed record OpportunityInput(string? Stage, decimal? Amount, DateOnly? CloseDate, string? Id = null);

/// <summary>What an adapter read: the events, or the fields that were wrong.</summary>
public sealed record AdapterResult(IReadOnlyList<DispositionEvent> Events, IDictionary<string, string[]> Errors)
{
    public static AdapterResult Ok(IReadOnlyList<DispositionEvent> events) => new(events, new Dictionary<string, string[]>());

    public static AdapterResult Invalid(string field, string message) =>
        new([], new Dictionary<string, string[]> { [field] = [message] });
}
