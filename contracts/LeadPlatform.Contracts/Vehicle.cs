namespace LeadPlatform.Contracts;

public sealed record Vehicle
{
    public int? Year { get; init; }
    public string? Make { get; init; }
    public string? Model { get; init; }
    public string? Trim { get; init; }
    public string? Vin { get; init; }
    public string? Stock { get; init; }
    /// <summary><c>new</c> or <c>used</c>.</summary>
    public string? Condition { get; init; }
    /// <summary><c>buy</c>, <c>lease</c>, <c>sell</c>, <c>trade-in</c>, <c>test-drive</c>.</summary>
    public string? Interest { get; init; }
    /// <summary>The odometer reading (a trade-in's mileage), when given.</summary>
    public int? Odometer { get; init; }
    /// <summary>What the prospect said about this vehicle (a trade-in's condition).</summary>
    public string? Comments { get; init; }
}
