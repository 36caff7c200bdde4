using System.Collections.Concurrent;

namespace LeadPlatform.ServiceDefaults.Watchdog;

/// <summary>
/// The bounded publishes of this process (<see cref="BoundedPublish"/>): when each began, when the last succeeded and
/// when the latest timed out. Publishing looks wedged, while the broker answers, when a publish outlives its own bound
/// by more than a <see cref="Slack"/> (its cancellation was never observed), or when publishes have timed out twice
/// with none succeeding since the broker answered again. Timeouts during an outage, or one timeout and then nothing
/// to publish, are not enough.
/// </summary>
public sealed class PublishHealth
{
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    /// <summary>One per process, as the bus: <see cref="BoundedPublish"/> is an extension method with no container.</summary>
    public static PublishHealth Process { get; } = new();

    private readonly ConcurrentDictionary<long, DateTimeOffset> _inFlight = new();
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSuccess = DateTimeOffset.MinValue;
    private DateTimeOffset _lastTimeout = DateTimeOffset.MinValue;
    private DateTimeOffset _timeoutBeforeLast = DateTimeOffset.MinValue;
    private long _lastId;

    public long Started(DateTimeOffset now)
    {
        var id = Interlocked.Increment(ref _lastId);
        _inFlight[id] = now;
        return id;
    }

    /// <param name="timedOut">Ended by its bound; any other ending (success, or an error the broker sent) shows the client works.</param>
    public void Ended(long id, bool timedOut, DateTimeOffset now)
    {
        _inFlight.TryRemove(id, out _);
        lock (_gate)
        {
            if (!timedOut)
            {
                _lastSuccess = now;
                return;
            }
            _timeoutBeforeLast = _lastTimeout;
            _lastTimeout = now;
        }
    }

    public bool Wedged(DateTimeOffset now, DateTimeOffset brokerAnsweringSince)
    {
        if (_inFlight.Values.Any(started => now - started > BoundedPublish.Limit + Slack))
        {
            return true;
        }
        lock (_gate)
        {
            // Two timeouts since then: the one before the last is since then too.
            return _lastSuccess < brokerAnsweringSince && _timeoutBeforeLast >= brokerAnsweringSince;
        }
    }
}
