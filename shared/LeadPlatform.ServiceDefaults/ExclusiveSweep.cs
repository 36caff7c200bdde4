using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// A periodic clean-up that runs on one instance at a time: each batch runs in a transaction that first takes a
/// transaction-level advisory lock (<c>pg_try_advisory_xact_lock</c>), so the lock dies with the transaction (never
/// left behind on a pooled connection) and another instance holding it simply skips its turn.
/// </summary>
public abstract class ExclusiveSweep(NpgsqlDataSource dataSource, IOptionsMonitor<RetentionOptions> options, ILogger logger)
    : BackgroundService
{
    /// <summary>The advisory lock key shared by every instance running this sweep.</summary>
    protected abstract long LockKey { get; }

    protected abstract string What { get; }

    /// <summary>One batch; returns the rows it purged (a full batch means: run again at once).</summary>
    protected abstract Task<int> SweepBatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RetentionOptions retention, CancellationToken ct);

    /// <summary>Sweeps until a batch comes back short; the rows purged, or null when another instance held the lock.</summary>
    public async Task<int?> SweepAsync(CancellationToken ct)
    {
        var retention = options.CurrentValue;
        var total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_try_advisory_xact_lock(@key)", new { key = LockKey }, tx, cancellationToken: ct)))
            {
                return total > 0 ? total : null;
            }
            var purged = await SweepBatchAsync(connection, tx, retention, ct);
            await tx.CommitAsync(ct);
            total += purged;
            if (purged < retention.BatchSize)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SweepAsync(stoppingToken) is > 0 and var purged)
                {
                    logger.LogInformation("Retention purged {Count} {What}", purged, What);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The table may not exist yet (its owner not started) or the database is away: next turn.
                logger.LogWarning("Retention sweep of {What} skipped: {Message}", What, ex.Message);
            }
            await Task.Delay(options.CurrentValue.Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
