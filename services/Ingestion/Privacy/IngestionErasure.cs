using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary>The leads an erasure is about (found in ingestion's own lead table), and ingestion's own part of it.</summary>
public sealed class IngestionErasure(NpgsqlDataSource dataSource)
{
    public const string Store = "ingestion";

    /// <summary>The leads and the text that identifies them in a message: their ids and every email in their payload.</summary>
    public sealed record Found(IReadOnlyList<Guid> LeadIds, IReadOnlyList<string> Terms);

    private sealed record LeadRow(Guid Id, string Emails);

    /// <summary>
    /// By email: every lead holding it in any string of its payload (prospect, contact, custom fields…), compared
    /// case-insensitively. A full scan of the lead table; erasures are rare.
    /// </summary>
    public async Task<Found> FindAsync(ErasureSubject subject, CancellationToken ct)
    {
        const string sql = """
            select l.id as Id,
                   coalesce((select string_agg(distinct lower(v #>> '{}'), ' ')
                               from jsonb_path_query(l.payload, 'strict $.**') v
                              where jsonb_typeof(v) = 'string' and (v #>> '{}') like '%@%'), '') as Emails
              from ingestion.lead l
             where (cast(@leadId as uuid) is not null and l.id = @leadId)
                or (cast(@email as text) is not null and exists (
                      select 1 from jsonb_path_query(l.payload, 'strict $.**') v
                       where jsonb_typeof(v) = 'string' and lower(v #>> '{}') = lower(@email)))
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<LeadRow>(new CommandDefinition(sql, new { subject.Email, subject.LeadId }, cancellationToken: ct))).ToList();
        var terms = rows.SelectMany(r => r.Emails.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Concat(rows.Select(r => r.Id.ToString()))
            .Concat(subject.Email is null ? [] : [subject.Email.ToLowerInvariant()])
            .Concat(subject.LeadId is { } id ? [id.ToString()] : [])
            .Distinct(StringComparer.Ordinal).ToList();
        return new Found(rows.Select(r => r.Id).ToList(), terms);
    }

    private sealed record DeliveryRow(string IntegrationId, string Crm, string? RecordIds);

    /// <summary>Deletes the leads, their delivery view and their outbox rows in one transaction; the CRM records the view knew.</summary>
    public async Task<LeadDataErased> EraseAsync(Guid erasureId, IReadOnlyList<Guid> leadIds, CancellationToken ct)
    {
        var args = new { leadIds = leadIds.ToArray(), leadIdTexts = leadIds.Select(id => id.ToString()).ToArray() };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Every outbox message (LeadConverted, LeadUpdated) names its lead in leadId.
        var outbox = await connection.ExecuteAsync(new CommandDefinition(
            "delete from ingestion.outbox where payload->>'leadId' = any(@leadIdTexts)", args, tx, cancellationToken: ct));
        var deliveries = (await connection.QueryAsync<DeliveryRow>(new CommandDefinition("""
            delete from ingestion.lead_delivery where lead_id = any(@leadIds)
            returning integration_id as IntegrationId, crm as Crm, record_ids::text as RecordIds
            """, args, tx, cancellationToken: ct))).ToList();
        var leads = await connection.ExecuteAsync(new CommandDefinition(
            "delete from ingestion.lead where id = any(@leadIds)", args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new LeadDataErased
        {
            ErasureId = erasureId,
            Store = Store,
            Erased = new Dictionary<string, int>
            {
                ["ingestion.lead"] = leads,
                ["ingestion.lead_delivery"] = deliveries.Count,
                ["ingestion.outbox"] = outbox,
            },
            CrmRecords = deliveries.SelectMany(d =>
                (d.RecordIds is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(d.RecordIds, PlatformJson.Options) ?? [])
                .Select(r => new CrmRecordRef { IntegrationId = d.IntegrationId, Crm = d.Crm, RecordKind = r.Key, RecordId = r.Value })).ToList(),
        };
    }
}
