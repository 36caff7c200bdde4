using Dapper;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// Strips the lead out of ledger messages of deliveries finished longer than <c>Retention:FinishedLedger</c> ago
/// (and whose outcome event left). The row stays: it is what makes a redelivered <c>LeadConverted</c> a no-op.
/// </summary>
public sealed class LedgerRetention(NpgsqlDataSource dataSource, IOptionsMonitor<RetentionOptions> options, ILogger<LedgerRetention> logger)
    : ExclusiveSweep(dataSource, options, logger)
{
    /// <summary>The ledger is shared by every connector: one lock for all of them.</summary>
    protected override long LockKey => 7340032;

    protected override string What => "finished ledger messages";

    protected override Task<int> SweepBatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RetentionOptions retention, CancellationToken ct)
    {
        var sql = $"""
            update delivery.ledger l
               set message = {LedgerPurge.StrippedMessage}, purged_at = now()
              from (select lead_id as old_lead, integration_id as old_integration from delivery.ledger
                     where state in ('delivered', 'failed') and purged_at is null and outcome_published_at is not null
                       and finished_at < now() - @period
                     limit @batch
                     for update skip locked) old
             where l.lead_id = old.old_lead and l.integration_id = old.old_integration
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql,
            new { period = retention.FinishedLedger, batch = retention.BatchSize }, tx, cancellationToken: ct));
    }
}

public static class LedgerPurge
{
    /// <summary>
    /// What a purged row keeps of its <c>LeadConverted</c>: ids and the acceptance time (outcome events need it), no
    /// lead. Still a valid <c>LeadConverted</c>, so every reader of the column keeps working.
    /// </summary>
    public const string StrippedMessage =
        "jsonb_build_object('leadId', l.lead_id, 'acceptedAt', l.message->'acceptedAt', 'lead', '{}'::jsonb, 'deliveries', '[]'::jsonb)";
}
