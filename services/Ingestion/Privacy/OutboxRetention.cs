using Dapper;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary>
/// Deletes outbox rows published longer than <c>Retention:PublishedOutbox</c> ago: once published, a row is only a
/// copy of the lead. Unpublished rows are never touched.
/// </summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource, IOptionsMonitor<RetentionOptions> options, ILogger<OutboxRetention> logger)
    : ExclusiveSweep(dataSource, options, logger)
{
    public const long Lock = 7340031;

    protected override long LockKey => Lock;

    protected override string What => "published outbox rows";

    protected override Task<int> SweepBatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RetentionOptions retention, CancellationToken ct)
    {
        // Oldest first along the primary key: published rows are the old ones, so no index on published_at is needed
        // (one would cost every publish its HOT update).
        const string sql = """
            delete from ingestion.outbox
             where id in (select id from ingestion.outbox
                           where published_at < now() - @period
                           order by id
                           limit @batch)
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql,
            new { period = retention.PublishedOutbox, batch = retention.BatchSize }, tx, cancellationToken: ct));
    }
}
