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
            lead = JsonSerializer.Serialize(lead, PlatformJson.Options),
            version,
        }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Locks a delivered delivery's ledger row while an update is applied to its CRM record, so two versions of the
    /// same lead's update never run at once (an older one could otherwise land after a newer one). Null when the
    /// delivery is not (or no longer) delivered.
    /// </summary>
    public async Task<AppliedUpdateLock?> LockDeliveredAsync(Guid leadId, string integrationId, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        var tx = await connection.BeginTransactionAsync(ct);
        var held = new AppliedUpdateLock(connection, tx, leadId, integrationId);
        try
        {
            const string sql = """
                select update_version from delivery.ledger
                 where lead_id = @leadId and integration_id = @integrationId and state = 'delivered'
                   for update
                """;
            var version = await connection.QuerySingleOrDefaultAsync<int?>(
                new CommandDefinition(sql, new { leadId, integrationId }, tx, cancellationToken: ct));
            if (version is null)
            {
                await held.DisposeAsync();
                return null;
            }
            held.UpdateVersion = version.Value;
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
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

/// <summary>A delivered ledger row locked while an update is applied; disposing without marking rolls back.</summary>
public sealed class AppliedUpdateLock(NpgsqlConnection connection, NpgsqlTransaction tx, Guid leadId, string integrationId) : IAsyncDisposable
{
    /// <summary>The newest update version already applied to the CRM record.</summary>
    public int UpdateVersion { get; set; }

    /// <summary>Records that the CRM record has update <paramref name="version"/> (never moving back) and releases the row.</summary>
    public async Task MarkAppliedAsync(int version, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger set update_version = greatest(update_version, @version), updated_at = now()
             where lead_id = @leadId and integration_id = @integrationId
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, integrationId, version }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await tx.DisposeAsync();
        await connection.DisposeAsync();
    }
}
