using Dapper;
using Npgsql;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>Which failed deliveries an operation is about: by CRM, integration, and when they failed.</summary>
public sealed record DeliveryFilter(string? Crm, string? Integration, DateTimeOffset? Since, DateTimeOffset? Before);

public sealed record LedgerRow
{
    public Guid LeadId { get; init; }
    public string IntegrationId { get; init; } = "";
    public string Crm { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public string? Outcome { get; init; }
    public string? RecordIds { get; init; }
    public string? LastError { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? NextAttemptAt { get; init; }
    public DateTime? FinishedAt { get; init; }
}

/// <summary>
/// Reads and replays rows of the connectors' delivery ledger (<c>delivery.ledger</c>). The table is created by the
/// first connector that starts, so until then every read is empty and every replay finds nothing.
/// A row whose message was purged (retention, erasure) holds no lead any more and is not replayed.
/// A replay only puts a failed row back to <c>retry_scheduled</c>, due now, keeping its attempts: the connector's
/// scheduled retries then claim it under their lease and deliver it once, looking it up first when an earlier try
/// may have created it.
/// </summary>
public sealed class FailedDeliveries(NpgsqlDataSource dataSource)
{
    private const string UndefinedTable = "42P01";

    private const string Columns = """
        lead_id as LeadId, integration_id as IntegrationId, crm as Crm, state as State, attempts as Attempts,
        outcome as Outcome, record_ids::text as RecordIds, last_error as LastError, created_at as CreatedAt,
        updated_at as UpdatedAt, next_attempt_at as NextAttemptAt, finished_at as FinishedAt
        """;

    // Null filter values are typed so PostgreSQL can plan "is null" on them.
    private const string Matches = """
        state = 'failed'
        and (cast(@Crm as text) is null or crm = @Crm)
        and (cast(@Integration as text) is null or integration_id = @Integration)
        and (cast(@Since as timestamptz) is null or finished_at >= @Since)
        and (cast(@Before as timestamptz) is null or finished_at < @Before)
        """;

    public Task<IReadOnlyList<LedgerRow>> ForLeadAsync(Guid leadId, CancellationToken ct) =>
        QueryAsync($"select {Columns} from delivery.ledger where lead_id = @leadId order by integration_id", new { leadId }, ct);

    public Task<IReadOnlyList<LedgerRow>> FailedAsync(DeliveryFilter filter, int limit, CancellationToken ct) =>
        QueryAsync($"select {Columns} from delivery.ledger where {Matches} order by finished_at limit @limit", Args(filter, limit), ct);

    public async Task<int> CountFailedAsync(DeliveryFilter filter, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                $"select count(*)::int from delivery.ledger where {Matches}", Args(filter, 0), cancellationToken: ct));
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>The one delivery, if it is failed; null when there is no such row or it is not failed.</summary>
    public async Task<LedgerRow?> ReplayAsync(Guid leadId, string integrationId, CancellationToken ct)
    {
        var sql = $"""
            update delivery.ledger
               set state = 'retry_scheduled', next_attempt_at = now(), finished_at = null, outcome_published_at = null, updated_at = now()
             where lead_id = @leadId and integration_id = @integrationId and state = 'failed' and purged_at is null
            returning {Columns}
            """;
        return (await QueryAsync(sql, new { leadId, integrationId }, ct)).SingleOrDefault();
    }

    /// <summary>Up to <paramref name="limit"/> failed deliveries matching the filter, oldest failure first.</summary>
    public Task<IReadOnlyList<LedgerRow>> ReplayAsync(DeliveryFilter filter, int limit, CancellationToken ct)
    {
        var sql = $"""
            update delivery.ledger l
               set state = 'retry_scheduled', next_attempt_at = now(), finished_at = null, outcome_published_at = null, updated_at = now()
              from (select lead_id as picked_lead, integration_id as picked_integration from delivery.ledger
                     where {Matches} and purged_at is null
                     order by finished_at
                     limit @limit
                     for update skip locked) picked
             where l.lead_id = picked.picked_lead and l.integration_id = picked.picked_integration
            returning {Columns}
            """;
        return QueryAsync(sql, Args(filter, limit), ct);
    }

    /// <summary>Npgsql wants UTC DateTimes for timestamptz.</summary>
    private static object Args(DeliveryFilter filter, int limit) => new
    {
        filter.Crm,
        filter.Integration,
        Since = filter.Since?.UtcDateTime,
        Before = filter.Before?.UtcDateTime,
        limit,
    };

    private async Task<IReadOnlyList<LedgerRow>> QueryAsync(string sql, object args, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return (await connection.QueryAsync<LedgerRow>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedTable)
        {
            return [];
        }
    }
}
