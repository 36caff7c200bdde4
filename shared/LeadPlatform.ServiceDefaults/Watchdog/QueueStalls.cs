namespace LeadPlatform.ServiceDefaults.Watchdog;

/// <summary>
/// What the broker said about one queue this service consumes: messages waiting and consumers attached, from any
/// instance. A queue "stalls" while it holds messages and nobody consumes it.
/// </summary>
public readonly record struct QueueState(long Messages, long Consumers)
{
    public bool Stalled => Messages > 0 && Consumers == 0;
}

/// <summary>
/// Since when each watched queue has stalled without a break. A queue counts only once stalled for the whole grace
/// period; one observation of it consumed (or empty), or a round that could not ask the broker, starts it over.
/// </summary>
public sealed class QueueStalls(TimeSpan grace)
{
    private readonly Dictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);

    public void Observe(string queue, QueueState state, DateTimeOffset now)
    {
        if (!state.Stalled)
        {
            _since.Remove(queue);
        }
        else
        {
            _since.TryAdd(queue, now);
        }
    }

    /// <summary>The broker could not be asked (it is away, or the queue is not there): no evidence either way.</summary>
    public void Forget(string queue) => _since.Remove(queue);

    public void Clear() => _since.Clear();

    /// <summary>Only these queues are watched now (an endpoint that faulted or stopped is no longer this service's concern).</summary>
    public void Retain(IReadOnlyCollection<string> queues)
    {
        foreach (var queue in _since.Keys.Except(queues).ToList())
        {
            _since.Remove(queue);
        }
    }

    /// <summary>A queue stalled for at least the grace period, if any.</summary>
    public string? StalledLongerThanGrace(DateTimeOffset now) =>
        _since.Where(s => now - s.Value >= grace).OrderBy(s => s.Value).Select(s => s.Key).FirstOrDefault();
}
