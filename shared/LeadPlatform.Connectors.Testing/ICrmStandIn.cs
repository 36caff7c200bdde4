namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// A stand-in of the CRM the connector talks to over HTTP: it keeps what it received for inspection and plays
/// the faults the kit asks for, the way the real CRM fails. The platform's sandbox is one; a CRM team writes its
/// own (the <c>leadplatform-connector</c> template generates a starting point).
/// </summary>
public interface ICrmStandIn : IAsyncDisposable
{
    /// <summary>Where the connector reaches the CRM (becomes the integration's endpoint, see <c>NewIntegration</c>).</summary>
    Uri BaseAddress { get; }

    /// <summary>The records the CRM holds that carry this email, of any kind.</summary>
    Task<IReadOnlyList<StandInRecord>> RecordsWithEmailAsync(string email);

    /// <summary>Plays <paramref name="fault"/> on the next <see cref="CrmFault.Count"/> requests.</summary>
    Task FailAsync(CrmFault fault);

    Task ClearFaultsAsync();
}

/// <param name="Version">1 when created, one more for every update.</param>
public sealed record StandInRecord(string Kind, string Id, int Version);

public enum CrmFaultKind
{
    /// <summary>429 with Retry-After (or the CRM's own throttling answer): retried, not sooner than asked.</summary>
    Throttled,
    /// <summary>500: retried.</summary>
    ServerError,
    /// <summary>A validation refusal (400): failed at once, not retried.</summary>
    Refused,
    /// <summary>Creates the record, then answers after <see cref="CrmFault.Delay"/>: longer than the connector waits.</summary>
    TimeoutAfterCreate,
}

public sealed record CrmFault(CrmFaultKind Kind, int Count = 1)
{
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2.5);
    public string Message { get; init; } = "Rejected by the CRM";
}
