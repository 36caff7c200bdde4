using System.Threading.Channels;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Group commit for many small writes: each caller awaits its own item, and items that arrive while a batch is
/// being written go together into the next one (one statement, one commit). A caller's await completes only after
/// its batch is durable, so it acknowledges nothing early. If a batch of several fails because the database refused
/// its data (<paramref name="retryAloneWhen"/>; by default a non-transient <see cref="PostgresException"/>), each item
/// is written again on its own, so one caller's bad item fails only that caller; other failures (the database away)
/// fail every caller in the batch. A <paramref name="linger"/> holds each batch open that long for more items, for
/// writes whose callers can wait (fewer, larger commits at moderate rates). A <paramref name="lingerWhenBusy"/> does
/// the same only while items arrive at least three times as often as it lasts, so a batch held open is expected to
/// gain three more; at lower rates each item is written at once, as without it. A named group commit records each
/// batch's size (<see cref="GroupCommitMetrics"/>), so how much a write shares its commit can be seen at every rate.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write, int maxBatch = 500,
    TimeSpan linger = default, Func<Exception, bool>? retryAloneWhen = null, string? name = null, TimeSpan lingerWhenBusy = default)
{
    private readonly ArrivalGap? _arrivals = lingerWhenBusy > TimeSpan.Zero ? new ArrivalGap() : null;
    private readonly KeyValuePair<string, object?>[]? _writerTag = name is null ? null : [new(GroupCommitMetrics.WriterTag, name)];
    private readonly Func<Exception, bool> _retryAloneWhen = retryAloneWhen ?? (static ex => ex is PostgresException { IsTransient: false });

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private int _writing;

    public Task<TResult> WriteAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrivals?.Arrived();
        _queue.Writer.TryWrite(new Pending(item, done));
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            // Started on this caller's thread (up to its first wait for the database): one thread hop less per batch.
            _ = DrainAsync();
        }
        return done.Task.WaitAsync(ct);
    }

    /// <summary>Writes batches until the queue is empty; one drainer at a time.</summary>
    private async Task DrainAsync()
    {
        while (true)
        {
            var wait = linger > TimeSpan.Zero ? linger
                : _arrivals is not null && _arrivals.Mean * 3 <= lingerWhenBusy ? lingerWhenBusy
                : TimeSpan.Zero;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            var batch = new List<Pending>();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
                continue;
            }
            Volatile.Write(ref _writing, 0);
            // An item queued after the last read but before the flag was cleared has no drainer yet: take it.
            if (!_queue.Reader.TryPeek(out _) || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        if (_writerTag is not null)
        {
            GroupCommitMetrics.BatchSize.Record(batch.Count, _writerTag);
        }
        try
        {
            var results = await write(batch.Select(p => p.Item).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex) when (batch.Count > 1 && _retryAloneWhen(ex))
        {
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }
}

/// <summary>The lingers the platform's group commits share.</summary>
public static class CommitLinger
{
    /// <summary>
    /// For writes a lead's delivery waits for (intake, a connector's claim), held open only when busy: from about 600
    /// writes/s. At 250 leads/s it does not linger, as a linger there would add 5 ms to each of those steps of every
    /// lead; at 1,000/s it measured less CPU per lead and a lower p99 (docs/benchmark.md).
    /// </summary>
    public static readonly TimeSpan AwaitedWhenBusy = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// For a connector's delivered mark: the lead is in the CRM by then and its delivery time taken, so only the
    /// outcome's publish and the message's acknowledgement wait for it. Held open at every rate; at 250 leads/s it
    /// made a third of the commits, and the outcomes reach the broker together (docs/benchmark.md, "The delivered
    /// mark held open").
    /// </summary>
    public static readonly TimeSpan BeforeOutcome = TimeSpan.FromMilliseconds(10);
}
