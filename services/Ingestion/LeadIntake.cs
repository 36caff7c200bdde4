using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion;

public sealed record Acceptance(Guid LeadId, IReadOnlyList<PlannedDelivery> Deliveries, bool Duplicate);

/// <summary>
/// Accepts a validated lead: deduplicates it (source + source lead id, and the idempotency key), plans its
/// deliveries, and commits the lead, its planned deliveries and its outbox row in one transaction.
/// </summary>
public sealed class LeadIntake(NpgsqlDataSource dataSource, LeadRouter router, TimeProvider clock, LeadUpdates updates, OutboxSignal outbox)
{
    /// <summary>The accepted (or earlier accepted) lead; null when the idempotency key was used with another body.</summary>
    public async Task<Acceptance?> AcceptAsync(Lead lead, string? idempotencyKey, CancellationToken ct)
    {
        var hash = BodyHash(lead);
        // Planned before taking a connection: when the integration cache refreshes, planning needs a connection of
        // its own, and requests holding one while waiting for another exhaust the pool under load (15 s stalls).
        var deliveries = lead.Conversion == Lead.SalesOptIn ? await router.PlanAsync(lead, ct) : [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // A new lead is the common case: insert first, and look for the earlier one only when a unique key says
        // there is one (a repeat costs a failed insert; a new lead saves a round trip).
        var leadId = Guid.CreateVersion7();
        try
        {
            await InsertAsync(connection, leadId, lead, idempotencyKey, hash, deliveries, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await FindEarlierAsync(connection, lead, idempotencyKey, ct) is { } earlier
                ? await RepeatAsync(connection, earlier, lead, hash, ct)
                // The earlier lead went away between the failed insert and the look-up: try again.
                : await AcceptAsync(lead, idempotencyKey, ct);
        }
        outbox.Wake();
        Activity.Current?.SetTag("lead.id", leadId);
        return new Acceptance(leadId, deliveries, Duplicate: false);
    }

    /// <summary>The repeat of an earlier lead: answered as the earlier one was; null (409) for a reused key with another body.</summary>
    private async Task<Acceptance?> RepeatAsync(NpgsqlConnection connection, Earlier earlier, Lead lead, string hash, CancellationToken ct)
    {
        if (earlier.MatchedBy == "source" && earlier.BodyHash != hash)
        {
            // The same lead resubmitted with changes: the same lead id, its new payload stored and a LeadUpdated sent.
            await updates.UpdateAsync(earlier.Id, lead, ct);
        }
        return earlier.BodyHash == hash || earlier.MatchedBy != "key"
            ? await DuplicateAsync(connection, earlier.Id, ct)
            : null;
    }

    /// <summary>The lead, its planned deliveries and its outbox row, as one batch in one implicit transaction: one round trip.</summary>
    private async Task InsertAsync(NpgsqlConnection connection, Guid leadId, Lead lead, string? idempotencyKey, string hash,
        IReadOnlyList<PlannedDelivery> deliveries, CancellationToken ct)
    {
        var acceptedAt = clock.GetUtcNow();
        var pushed = lead.Conversion == Lead.SalesOptIn;
        var sql = """
            insert into ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, idempotency_key, body_hash, accepted_at)
            values (@leadId, @Source, @SourceLeadId, @AccountId, @Conversion, @payload::jsonb, @idempotencyKey, @hash, @acceptedAt);
            insert into ingestion.lead_delivery (lead_id, integration_id, crm)
            select @leadId, d.integration_id, d.crm from unnest(@integrationIds, @crms) as d(integration_id, crm);
            """ + (pushed ? Outbox.InsertSql : "");
        var message = new LeadConverted { LeadId = leadId, AcceptedAt = acceptedAt, Lead = lead, Deliveries = deliveries };
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadId,
            lead.Source,
            lead.SourceLeadId,
            lead.AccountId,
            lead.Conversion,
            payload = JsonSerializer.Serialize(lead, JsonDefaults.Options),
            idempotencyKey,
            hash,
            acceptedAt,
            integrationIds = deliveries.Select(d => d.IntegrationId).ToArray(),
            crms = deliveries.Select(d => d.Crm).ToArray(),
            messageId = Guid.CreateVersion7(),
            messageType = nameof(LeadConverted),
            message = JsonSerializer.Serialize(message, JsonDefaults.Options),
            traceParent = Activity.Current?.Id,
        }, cancellationToken: ct));
    }

    private sealed record Earlier(Guid Id, string BodyHash, string MatchedBy);

    private static async Task<Earlier?> FindEarlierAsync(NpgsqlConnection connection, Lead lead, string? idempotencyKey, CancellationToken ct)
    {
        const string sql = """
            select id, body_hash as BodyHash, case when idempotency_key = @idempotencyKey then 'key' else 'source' end as MatchedBy
              from ingestion.lead
             where source = @Source and (idempotency_key = @idempotencyKey or source_lead_id = @SourceLeadId)
             order by (idempotency_key = @idempotencyKey) desc nulls last
             limit 1
            """;
        return await connection.QuerySingleOrDefaultAsync<Earlier>(new CommandDefinition(sql,
            new { idempotencyKey, lead.Source, lead.SourceLeadId }, cancellationToken: ct));
    }

    private static async Task<Acceptance> DuplicateAsync(NpgsqlConnection connection, Guid leadId, CancellationToken ct)
    {
        const string sql = """
            select integration_id as IntegrationId, crm from ingestion.lead_delivery where lead_id = @leadId order by integration_id
            """;
        var deliveries = await connection.QueryAsync<(string IntegrationId, string Crm)>(new CommandDefinition(sql, new { leadId }, cancellationToken: ct));
        return new Acceptance(leadId, deliveries.Select(d => new PlannedDelivery { IntegrationId = d.IntegrationId, Crm = d.Crm }).ToList(), Duplicate: true);
    }

    /// <summary>Of the lead as parsed, so the same lead formatted differently is the same body.</summary>
    public static string BodyHash(Lead lead) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(lead, JsonDefaults.Options)));
}
