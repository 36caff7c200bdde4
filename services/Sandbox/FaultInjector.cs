using System.Collections.Concurrent;

namespace LeadPlatform.Sandbox;

/// <summary>
/// A fault the sandbox plays on one CRM's API: <c>429</c> (with Retry-After), <c>500</c>, <c>400</c>,
/// <c>slow</c>, <c>timeout-after-create</c> (acts, then answers too late), <c>down</c> (503 for a while).
/// It applies to the next <see cref="Count"/> requests, or until <see cref="Until"/>, each with <see cref="Probability"/>.
/// </summary>
public sealed record Fault
{
    public required string Crm { get; init; }
    public required string Mode { get; init; }
    public int? Count { get; init; }
    public int? ForSeconds { get; init; }
    public double Probability { get; init; } = 1.0;
    public int RetryAfterSeconds { get; init; } = 1;
    public int DelayMs { get; init; } = 3000;
    public string? Message { get; init; }
    internal DateTimeOffset? Until { get; set; }
    internal int Remaining;
}

public sealed class FaultInjector
{
    private readonly ConcurrentDictionary<string, Fault> _faults = new();

    public void Set(Fault fault)
    {
        fault.Until = fault.ForSeconds is { } seconds ? DateTimeOffset.UtcNow.AddSeconds(seconds) : null;
        fault.Remaining = fault.Count ?? int.MaxValue;
        _faults[fault.Crm] = fault;
    }

    public void Clear(string? crm = null)
    {
        if (crm is null)
        {
            _faults.Clear();
        }
        else
        {
            _faults.TryRemove(crm, out _);
        }
    }

    public IEnumerable<Fault> Active => _faults.Values;

    /// <summary>
    /// The fault to play on this request of <paramref name="crm"/>, if any. <c>timeout-after-create</c> plays only
    /// on requests that create a record (<paramref name="creates"/>): the others neither see nor use it up.
    /// </summary>
    public Fault? Next(string crm, bool creates = true)
    {
        if (!_faults.TryGetValue(crm, out var fault) || (fault.Mode == "timeout-after-create" && !creates))
        {
            return null;
        }
        if (fault.Until is { } until && DateTimeOffset.UtcNow > until)
        {
            _faults.TryRemove(crm, out _);
            return null;
        }
        if (Random.Shared.NextDouble() >= fault.Probability)
        {
            return null;
        }
        if (Interlocked.Decrement(ref fault.Remaining) < 0)
        {
            _faults.TryRemove(crm, out _);
            return null;
        }
        return fault;
    }
}
