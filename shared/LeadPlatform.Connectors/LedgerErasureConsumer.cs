using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// The delivery ledger's part of an erasure (store <c>delivery</c>), on queue <c>delivery-erasure</c> that every
/// connector shares (any one of them answers: the ledger is the pipeline's, not one CRM's). Rows stay as the
/// deliveries' idempotency records, stripped: no lead in the message, no CRM error text. A delivery not finished yet
/// is ended as failed (permanent, outcome marked sent) so no retry pushes the erased person again, and its lease is
/// voided so a push in flight cannot record an outcome over it. The lead ids are kept in <c>delivery.erased_lead</c> so
/// a LeadConverted still in flight (queued, or published by the relay during the erasure) claims nothing later.
/// </summary>
public sealed class LedgerErasureConsumer(NpgsqlDataSource dataSource) : IConsumer<EraseLeadData>
{
    public const string Store = "delivery";
    public const string Queue = "delivery-erasure";

    private sealed record Erased(Guid LeadId, string IntegrationId, string Crm, string? RecordIds);

    public async Task Consume(ConsumeContext<EraseLeadData> context)
    {
        if (context.Message.Store != Store)
        {
            return;
        }
        const string sql = $"""
            update delivery.ledger l
               set message = {LedgerPurge.StrippedMessage}, purged_at = now(),
                   last_error = case when l.state in ('delivered', 'failed') then null else 'erased before delivery' end,
                   state = case when l.state in ('delivered', 'failed') then l.state else 'failed' end,
                   permanent = case when l.state in ('delivered', 'failed') then l.permanent else true end,
                   finished_at = coalesce(l.finished_at, now()), outcome_published_at = coalesce(l.outcome_published_at, now()),
                   lease_token = null, lease_until = null, next_attempt_at = null, updated_at = now()
             where l.lead_id = any(@leadIds)
            returning l.lead_id as LeadId, l.integration_id as IntegrationId, l.crm as Crm, l.record_ids::text as RecordIds
            """;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        // First the tombstones: a LeadConverted of these leads consumed from now on claims nothing (DeliveryLedger).
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into delivery.erased_lead (lead_id) select unnest(@leadIds) on conflict do nothing",
            new { leadIds = context.Message.LeadIds.ToArray() }, cancellationToken: context.CancellationToken));
        var rows = (await connection.QueryAsync<Erased>(new CommandDefinition(sql,
            new { leadIds = context.Message.LeadIds.ToArray() }, cancellationToken: context.CancellationToken))).ToList();
        await context.RespondAsync(new LeadDataErased
        {
            ErasureId = context.Message.ErasureId,
            Store = Store,
            Erased = new Dictionary<string, int> { ["delivery.ledger"] = rows.Count },
            CrmRecords = rows.SelectMany(r => RecordsOf(r)).ToList(),
        });
    }

    private static IEnumerable<CrmRecordRef> RecordsOf(Erased row) =>
        (row.RecordIds is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(row.RecordIds, PlatformJson.Options) ?? [])
        .Select(r => new CrmRecordRef { IntegrationId = row.IntegrationId, Crm = row.Crm, RecordKind = r.Key, RecordId = r.Value });
}
