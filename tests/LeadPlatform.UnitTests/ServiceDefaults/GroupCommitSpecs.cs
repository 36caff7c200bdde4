using System.Diagnostics.Metrics;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>The batching of <see cref="GroupCommit{TItem, TResult}"/>; the write here stands in for one statement and commit.</summary>
[TestFixture]
public class GroupCommitSpecs
{
    [Test]
    public async Task Items_arriving_while_a_batch_is_written_go_together_into_the_next_and_each_caller_gets_its_own_result()
    {
        var batches = new List<IReadOnlyList<int>>();
        var firstWrite = new TaskCompletionSource();
        var commit = new GroupCommit<int, string>(async (items, _) =>
        {
            lock (batches)
            {
                batches.Add(items);
            }
            if (batches.Count == 1)
            {
                await firstWrite.Task;
            }
            return items.Select(i => $"row {i}").ToList();
        });

        var first = commit.WriteAsync(1, CancellationToken.None);
        var later = Enumerable.Range(2, 9).Select(i => commit.WriteAsync(i, CancellationToken.None)).ToList();
        firstWrite.SetResult();

        Assert.That(await first, Is.EqualTo("row 1"));
        Assert.That(await Task.WhenAll(later), Is.EqualTo(Enumerable.Range(2, 9).Select(i => $"row {i}")));
        Assert.That(batches, Has.Count.EqualTo(2));
        Assert.That(batches[1], Is.EqualTo(Enumerable.Range(2, 9)));
    }

    [Test]
    public async Task With_a_linger_items_written_one_after_another_share_one_batch()
    {
        var batches = new List<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, bool>((items, _) =>
        {
            batches.Add(items);
            return Task.FromResult<IReadOnlyList<bool>>(items.Select(_ => true).ToList());
        }, linger: TimeSpan.FromMilliseconds(200));

        await Task.WhenAll(Enumerable.Range(1, 10).Select(i => commit.WriteAsync(i, CancellationToken.None)));

        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(batches[0], Is.EqualTo(Enumerable.Range(1, 10)));
    }

    [Test]
    public async Task A_failed_batch_fails_each_of_its_callers_and_the_next_batch_is_written()
    {
        var calls = 0;
        var commit = new GroupCommit<int, int>((items, _) =>
            Interlocked.Increment(ref calls) == 1
                ? Task.FromException<IReadOnlyList<int>>(new InvalidOperationException("database away"))
                : Task.FromResult<IReadOnlyList<int>>(items.ToList()));

        var failed = commit.WriteAsync(1, CancellationToken.None);
        Assert.That(async () => await failed, Throws.InvalidOperationException.With.Message.EqualTo("database away"));
        Assert.That(await commit.WriteAsync(2, CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task A_named_group_commit_records_each_batch_size_under_its_writer_name()
    {
        var writer = $"spec-{Guid.NewGuid():N}";
        var sizes = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LeadPlatformTelemetry.Name && instrument.Name == GroupCommitMetrics.InstrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: GroupCommitMetrics.WriterTag } && Equals(tag.Value, writer))
                {
                    lock (sizes)
                    {
                        sizes.Add(size);
                    }
                }
            }
        });
        listener.Start();
        var firstWrite = new TaskCompletionSource();
        var calls = 0;
        var commit = new GroupCommit<int, bool>(async (items, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await firstWrite.Task;
            }
            return items.Select(_ => true).ToList();
        }, name: writer);

        var first = commit.WriteAsync(1, CancellationToken.None);
        var later = Enumerable.Range(2, 9).Select(i => commit.WriteAsync(i, CancellationToken.None)).ToList();
        firstWrite.SetResult();
        await first;
        await Task.WhenAll(later);

        Assert.That(sizes, Is.EqualTo(new[] { 1, 9 }));
    }

    [Test]
    public async Task A_quiet_writer_with_a_linger_when_busy_writes_at_once()
    {
        var commit = new GroupCommit<int, bool>((items, _) => Task.FromResult<IReadOnlyList<bool>>(items.Select(_ => true).ToList()),
            lingerWhenBusy: TimeSpan.FromMilliseconds(1900));

        var written = commit.WriteAsync(1, CancellationToken.None);

        // A writer starts quiet (a second between writes, more than a third of the linger): its first write is not held.
        Assert.That(await Task.WhenAny(written, Task.Delay(TimeSpan.FromMilliseconds(1500))), Is.SameAs(written),
            "one write after a quiet start waited for the linger");
    }

    [Test]
    public async Task A_busy_writer_with_a_linger_when_busy_holds_each_batch_open_for_more()
    {
        var batches = new List<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, bool>((items, _) =>
        {
            lock (batches)
            {
                batches.Add(items);
            }
            return Task.FromResult<IReadOnlyList<bool>>(items.Select(_ => true).ToList());
        }, lingerWhenBusy: TimeSpan.FromMilliseconds(500));

        // Forty writes back to back make the writer busy (their gaps are microseconds, far under a third of the linger).
        await Task.WhenAll(Enumerable.Range(1, 40).Select(i => commit.WriteAsync(i, CancellationToken.None)));
        lock (batches)
        {
            batches.Clear();
        }
        // Without the linger the first of these would go alone: the drainer starts on its caller's thread.
        await Task.WhenAll(Enumerable.Range(41, 10).Select(i => commit.WriteAsync(i, CancellationToken.None)));

        Assert.That(batches, Has.Count.EqualTo(1));
        Assert.That(batches[0], Is.EqualTo(Enumerable.Range(41, 10)));
    }
}
