using Dapper;
using LeadPlatform.Contracts;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>Which failed deliveries an operation is about: by CRM, integration, and when they failed.</summary>
public sealed record DeliveryFilter(string? Crm, string? Integration, DateTimeOffset? Since, DateTimeOffset? Before);

/// <summary>One row of ingestion's delivery view, as the admin API shows it.</summary>
public sealed record DeliveryRow
{
    public Guid LeadId { get; init; }
    public string IntegrationId { get; init; } = "";
    public string Crm { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public string? Outcome { get; init; }
    public string? RecordIds { get; init; }
    public string? LastError { get; init; }
    public DateTime UpdatedAt { get; init; }
    /// <summary>When the delivery failed (from <see cref="LeadDeliveryFailed"/>); null unless failed.</summary>
    public DateTime? FinishedAt { get; init; }
}

/// <summary>
/// Failed deliveries and their replay, from ingestion's own delivery view (<c>ingestion.lead_delivery</c>, kept from
/// <see cref="LeadDelivered"/> and <see cref="LeadDeliveryFailed"/>): the delivery ledger is the connector pipeline's and
/// is never read here. A replay marks the view's row <c>replaying</c> and asks the pipeline with
/// <see cref="ReplayDelivery"/>; the pipeline replays only what its ledger holds as failed, so the lead is delivered
/// once however often the request arrives, and the new outcome comes back through the same events. The request is
/// published before the view's transaction commits: if the commit fails, the pipeline still replays and its outcome
/// corrects the view; if publishing fails, nothing changed.
/// </summary>
public sealed class FailedDeliveries(NpgsqlDataSource dataSource, IBus bus)
{
    public const string Replaying = "replaying";

    private const string Columns = """
        lead_id as LeadId, integration_id as IntegrationId, crm as Crm, state as State, attempts as Attempts,
        outcome as Outcome, record_ids::text as RecordIds, last_error as LastError, updated_at as UpdatedAt, failed_at as FinishedAt
        """;

    // Null filter values are typed so PostgreSQL can plan "is null" on them.
    private const string Matches = """
        state = 'failed'
        and (cast(@Crm as text) is null or crm = @Crm)
        and (cast(@Integration as text) is null or integration_id = @Integration)
        and (cast(@Since as timestamptz) is null or failed_at >= @Since)
        and (cast(@Before as timestamptz) is null or failed_at < @Before)
        """;

    public Task<IReadOnlyList<DeliveryRow>> ForLeadAsync(Guid leadId, CancellationToken ct) =>
        QueryAsync($"select {Columns} from ingestion.lead_delivery where lead_id = @leadId order by integration_id", new { leadId }, ct);

    public Task<IReadOnlyList<DeliveryRow>> FailedAsync(DeliveryFilter filter, int limit, CancellationToken ct) =>
        QueryAsync($"select {Columns} from ingestion.lead_delivery where {Matches} order by failed_at limit @limit", Args(filter, limit), ct);

    public async Task<int> CountFailedAsync(DeliveryFilter filter, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"select count(*)::int from ingestion.lead_delivery where {Matches}", Args(filter, 0), cancellationToken: ct));
    }

    /// <summary>The one delivery, if it is failed; null when there is no such row or it is not failed.</summary>
    public async Task<DeliveryRow?> ReplayAsync(Guid leadId, string integrationId, CancellationToken ct)
    {
        var sql = $"""
            update ingestion.lead_delivery set state = '{Replaying}', updated_at = now()
             where lead_id = @leadId and integration_id = @integrationId and state = 'failed'
            returning {Columns}
            """;
        return (await ReplayWhereAsync(sql, new { leadId, integrationId }, ct)).SingleOrDefault();
    }

    /// <summary>Up to <paramref name="limit"/> failed deliveries matching the filter, oldest failure first.</summary>
    public Task<IReadOnlyList<DeliveryRow>> ReplayAsync(DeliveryFilter filter, int limit, CancellationToken ct)
    {
        var sql = $"""
            update ingestion.lead_delivery d set state = '{Replaying}', updated_at = now()
              from (select lead_id as picked_lead, integration_id as picked_integration from ingestion.lead_delivery
                     where {Matches}
                     order by failed_at
                     limit @limit
                     for update skip locked) picked
             where d.lead_id = picked.picked_lead and d.integration_id = picked.picked_integration
            returning {Columns}
            """;
        return ReplayWhereAsync(sql, Args(filter, limit), ct);
    }

    private async Task<IReadOnlyList<DeliveryRow>> ReplayWhereAsync(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(sql, args, tx, cancellationToken: ct))).ToList();
        var now = DateTimeOffset.UtcNow;
        await bus.PublishBatch(rows.Select(r => new ReplayDelivery { LeadId = r.LeadId, IntegrationId = r.IntegrationId, RequestedAt = now }), ct);
        await tx.CommitAsync(ct);
        return rows;
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

    private async Task<IReadOnlyList<DeliveryRow>> QueryAsync(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<DeliveryRow>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
    }
}
