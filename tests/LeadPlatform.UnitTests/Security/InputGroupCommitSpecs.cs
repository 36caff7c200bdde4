using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.UnitTests.Security;

/// <summary>One caller's bad row never fails the others written in the same group commit (issue 16, hole 7).</summary>
[TestFixture, Category("Security")]
public class InputGroupCommitSpecs
{
    private sealed class RefusedRow(string message) : Exception(message);

    [Test]
    public async Task When_a_batch_fails_on_its_data_each_row_is_written_again_alone_and_only_the_bad_one_fails()
    {
        var release = new TaskCompletionSource();
        var batches = new List<IReadOnlyList<int>>();
        var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            lock (batches)
            {
                batches.Add(items);
            }
            if (items.Contains(0))
            {
                // Held so the next callers gather into one batch behind this one.
                await release.Task;
            }
            return items.Contains(13) ? throw new RefusedRow("row 13 refused") : items.ToList();
        }, retryAloneWhen: ex => ex is RefusedRow);

        var first = commit.WriteAsync(0, CancellationToken.None);
        var gathered = Enumerable.Range(10, 6).Select(i => commit.WriteAsync(i, CancellationToken.None)).ToList();
        release.SetResult();
        await first;

        Assert.That(async () => await gathered[3], Throws.TypeOf<RefusedRow>());
        Assert.That(await Task.WhenAll(gathered.Where((_, i) => i != 3)), Is.EqualTo(new[] { 10, 11, 12, 14, 15 }));
        Assert.That(batches[1], Is.EqualTo(Enumerable.Range(10, 6)), "the six were first written together");
        Assert.That(batches.Skip(2).Select(b => b.Count), Is.All.EqualTo(1), "then each alone");
    }

    [Test]
    public async Task A_failure_that_is_not_about_the_data_fails_the_whole_batch_without_retrying_each_row()
    {
        var release = new TaskCompletionSource();
        var writes = 0;
        var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            Interlocked.Increment(ref writes);
            if (items.Contains(0))
            {
                await release.Task;
                return items.ToList();
            }
            throw new InvalidOperationException("database away");
        }, retryAloneWhen: ex => ex is RefusedRow);

        var first = commit.WriteAsync(0, CancellationToken.None);
        var gathered = Enumerable.Range(1, 5).Select(i => commit.WriteAsync(i, CancellationToken.None)).ToList();
        release.SetResult();
        await first;

        foreach (var write in gathered)
        {
            Assert.That(async () => await write, Throws.InvalidOperationException);
        }
        Assert.That(writes, Is.EqualTo(2));
    }
}
