using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace LeadPlatform.Ingestion;

/// <summary>
/// Records handed-off outbox rows as published, every <see cref="Interval"/> in one statement rather than one commit
/// per relayed batch. Nothing waits for it: the message has left already. A mark that could not be written is kept
/// for the next round; one lost to a crash only means the relay's poll publishes the row again after 10 s, and its
/// consumers drop the repeat (message id, ledger).
/// </summary>
public sealed class OutboxMarks(NpgsqlDataSource dataSource, ILogger<OutboxMarks> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<(long Id, DateTime PublishedAt)> _pending = new();

    public void Published(IEnumerable<long> ids, DateTime publishedAt)
    {
        foreach (var id in ids)
        {
            _pending.Enqueue((id, publishedAt));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await FlushAsync(stoppingToken.IsCancellationRequested ? CancellationToken.None : stoppingToken);
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        var marks = new List<(long Id, DateTime PublishedAt)>();
        while (marks.Count < 5000 && _pending.TryDequeue(out var mark))
        {
            marks.Add(mark);
        }
        if (marks.Count == 0)
        {
            return;
        }
        const string sql = """
            update ingestion.outbox o set published_at = m.published_at
              from unnest(@ids, @publishedAts) as m(id, published_at)
             where o.id = m.id and o.published_at is null
            """;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(sql, new
            {
                ids = marks.Select(m => m.Id).ToArray(),
                publishedAts = marks.Select(m => m.PublishedAt).ToArray(),
            }, cancellationToken: ct));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not mark {Count} outbox rows published ({Message}); trying again", marks.Count, ex.Message);
            foreach (var mark in marks)
            {
                _pending.Enqueue(mark);
            }
        }
    }
}
