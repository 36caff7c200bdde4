using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.Intake;

public sealed record Acceptance(Guid LeadId, IReadOnlyList<PlannedDelivery> Deliveries, bool Duplicate);

/// <summary>
/// Accepts a validated lead: deduplicates it (source + source lead id, and the idempotency key; the source in any
/// letter case, by the unique indexes on <c>lower(source)</c>), plans its
/// deliveries, and commits the lead, its planned deliveries and its outbox row in one transaction.
/// </summary>
public sealed class LeadIntake(NpgsqlDataSource dataSource, LeadRouter router, TimeProvider clock, LeadUpdates updates,
    LeadInserts inserts, SourceNames sourceNames)
{
    /// <summary>The accepted (or earlier accepted) lead; null when the idempotency key was used with another body.</summary>
    public async Task<Acceptance?> AcceptAsync(Lead lead, string? idempotencyKey, CancellationToken ct)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(lead, PlatformJson.Options);
        var hash = BodyHash(payload);
        var deliveries = lead.Conversion == Lead.SalesOptIn ? await router.PlanAsync(lead, ct) : [];
        // A new lead is the common case: insert first, and look for the earlier one only when a unique key says
        // there is one (a repeat costs a skipped insert; a new lead saves a round trip).
        var leadId = Guid.CreateVersion7();
        var acceptedAt = clock.GetUtcNow();
        var message = lead.Conversion == Lead.SalesOptIn
            // The stored lead is what the source sent; the connectors also get the source's configured display name.
            ? new LeadConverted { LeadId = leadId, AcceptedAt = acceptedAt, Lead = sourceNames.Apply(lead), Deliveries = deliveries }
            : null;
        var row = new NewLead(leadId, lead, Encoding.UTF8.GetString(payload), idempotencyKey, hash, acceptedAt, deliveries,
            message, message is null ? null : JsonSerializer.Serialize(message, PlatformJson.Options), Activity.Current?.Id);
        if (!await inserts.WriteAsync(row, ct))
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await FindEarlierAsync(connection, lead, idempotencyKey, ct) is { } earlier
                ? await RepeatAsync(connection, earlier, lead, hash, ct)
                // The earlier lead went away between the skipped insert and the look-up: try again.
                : await AcceptAsync(lead, idempotencyKey, ct);
        }
        Activity.Current.IfRecorded()?.SetTag(LeadTags.LeadId, leadId);
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

    private sealed record Earlier(Guid Id, string BodyHash, string MatchedBy);

    private static async Task<Earlier?> FindEarlierAsync(NpgsqlConnection connection, Lead lead, string? idempotencyKey, CancellationToken ct)
    {
        const string sql = """
            select id, body_hash as BodyHash, case when idempotency_key = @idempotencyKey then 'key' else 'source' end as MatchedBy
              from ingestion.lead
             where lower(source) = lower(@Source) and case_duplicate_of is null
               and (idempotency_key = @idempotencyKey or source_lead_id = @SourceLeadId)
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
    public static string BodyHash(Lead lead) => BodyHash(JsonSerializer.SerializeToUtf8Bytes(lead, PlatformJson.Options));

    private static string BodyHash(byte[] serialized) => Convert.ToHexString(SHA256.HashData(serialized));
}
