namespace LeadPlatform.Contracts;

/// <summary>The canonical lead: what upstream systems submit and what every connector translates from.</summary>
public sealed record Lead
{
    public string Source { get; init; } = "";
    /// <summary>The source's name as CRMs show it ("Roobrik"), configured per source at ingestion; absent when none is.</summary>
    public string? SourceName { get; init; }
    public string SourceLeadId { get; init; } = "";
    public string AccountId { get; init; } = "";
    /// <summary><c>sales-opt-in</c> is pushed to CRMs; any other conversion is stored only.</summary>
    public string Conversion { get; init; } = "";
    public DateTimeOffset? OccurredAt { get; init; }
    public Person Prospect { get; init; } = new();
    /// <summary>Present only when the person who converted did so on the prospect's behalf.</summary>
    public Contact? Contact { get; init; }
    public Survey? Survey { get; init; }
    public Interaction? Interaction { get; init; }
    public string? OwnerId { get; init; }
    /// <summary>Set by another marketing system; never overwritten.</summary>
    public string? MarketSource { get; init; }
    public string? DealerId { get; init; }
    public string? OemId { get; init; }
    public IReadOnlyList<string>? Programs { get; init; }
    /// <summary>The main vehicle: the first one the prospect wants to buy, else the first named.</summary>
    public Vehicle? Vehicle { get; init; }
    /// <summary>Every vehicle the prospect named, in order (several to buy, a trade-in), the main one included; absent when none.</summary>
    public IReadOnlyList<Vehicle>? Vehicles { get; init; }
    public string? Comments { get; init; }
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }

    public const string SalesOptIn = "sales-opt-in";
}
