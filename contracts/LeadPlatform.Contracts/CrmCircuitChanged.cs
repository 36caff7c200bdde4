namespace LeadPlatform.Contracts;

/// <summary>
/// A connector instance's circuit breaker for one integration changed state: <c>open</c> (the CRM is not called),
/// <c>half-open</c> (one trial call), <c>closed</c> (calls flow). Breakers live in each instance's memory, so the
/// state of a CRM is the sum of what its instances report.
/// </summary>
public sealed record CrmCircuitChanged
{
    public required string Crm { get; init; }
    public required string IntegrationId { get; init; }
    /// <summary>The connector instance whose breaker it is (stable for the life of its process).</summary>
    public required string Instance { get; init; }
    public required string State { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
    /// <summary>
    /// While the breaker is not closed, its instance sends this state again every so many seconds (null: an instance
    /// that does not repeat, from an SDK before 2026-12-04). A breaker not heard from in three such intervals belongs
    /// to an instance that is gone, and the overview leaves it out.
    /// </summary>
    public int? ReportEverySeconds { get; init; }
}
