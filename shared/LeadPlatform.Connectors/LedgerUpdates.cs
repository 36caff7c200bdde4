using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>The delivery ledger's part in lead updates and daily batches.</summary>
public sealed class LedgerUpdates(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// A delivery not yet made takes the updated lead into its ledger message, so it delivers the latest payload.
    /// False when the delivery is no longer waiting (claimed or finished meanwhile) or already has this version.
    /// </summary>
    public async Task<bool> CarryIntoWaitingAsync(Guid leadId, string integrationId, Lead lead, int version, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger
               set message = jsonb_set(message, '{lead}', @lead::jsonb), update_version = @version, updated_at = now()
             where lead_id = @leadId and integration_id = @integrationId
               and state in ('pending', 'retry_scheduled') and update_version < @version
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadId,
            integrationId,
            lead = JsonSerializer.Serialize(lead, JsonDefaults.Options),
            version,
        }, cancellationToken: ct)) == 1;
    }

    /// <summary>Records that the CRM record has update <paramref name="version"/>; never moves back to an older one.</summary>
    public async Task MarkAppliedAsync(Guid leadId, string integrationId, int version, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger set update_version = greatest(update_version, @version), updated_at = now()
             where lead_id = @leadId and integration_id = @integrationId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, integrationId, version }, cancellationToken: ct));
    }

    /// <summary>Holds a claimed delivery for its integration's daily batch; the scheduled retries deliver it then.</summary>
    public async Task<bool> HoldForBatchAsync(LedgerEntry entry, DateTimeOffset batchAt, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger
               set state = 'retry_scheduled', next_attempt_at = @batchAt, batched_for = @batchAt,
                   lease_until = null, lease_token = null, updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and lease_token = @LeaseToken
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql,
            new { entry.LeadId, entry.IntegrationId, entry.LeaseToken, batchAt }, cancellationToken: ct)) == 1;
    }
}
