using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>A lead ready to store: its payload and, for a sales opt-in, the LeadConverted its outbox row carries (and its JSON).</summary>
public sealed record NewLead(Guid LeadId, Lead Lead, string Payload, string? IdempotencyKey, string BodyHash, DateTimeOffset AcceptedAt,
    IReadOnlyList<PlannedDelivery> Deliveries, LeadConverted? Message, string? MessageJson, string? TraceParent);

/// <summary>
/// Stores new leads, their planned deliveries and their outbox rows. Leads submitted together share one statement and
/// one commit (<see cref="GroupCommit{TItem, TResult}"/>); each caller is answered once its lead is durable. A lead
/// whose source lead id or idempotency key is already taken is skipped, not failed, so it can't fail the others:
/// its caller gets false and answers it as a repeat. Committed outbox rows go to the relay in memory. The
/// <c>lead.accepted</c> webhook events of the stored leads are written by the same statement.
/// </summary>
public sealed class LeadInserts(NpgsqlDataSource dataSource, OutboxHandoff outbox)
{
    private readonly GroupCommit<NewLead, bool> _writes = new((leads, ct) => InsertAsync(dataSource, outbox, leads, ct), name: "lead_intake",
        lingerWhenBusy: CommitLinger.AwaitedWhenBusy);

    /// <summary>True when stored; false when an earlier lead holds its source lead id or idempotency key.</summary>
    public Task<bool> WriteAsync(NewLead lead, CancellationToken ct) => _writes.WriteAsync(lead, ct);

    private static async Task<IReadOnlyList<bool>> InsertAsync(NpgsqlDataSource dataSource, OutboxHandoff outbox, IReadOnlyList<NewLead> leads,
        CancellationToken ct)
    {
        // The deliveries and outbox rows of a skipped lead are left out with it. The foreign key of lead_delivery is
        // checked at the end of the statement, when the leads inserted by the same statement are visible.
        const string sql = """
            with stored as (
                insert into ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, idempotency_key, body_hash, accepted_at)
                select i.id, i.source, i.source_lead_id, i.account_id, i.conversion, i.payload::jsonb, i.idempotency_key, i.body_hash, i.accepted_at
                  from unnest(@ids, @sources, @sourceLeadIds, @accountIds, @conversions, @payloads, @idempotencyKeys, @hashes, @acceptedAts)
                       as i(id, source, source_lead_id, account_id, conversion, payload, idempotency_key, body_hash, accepted_at)
                on conflict do nothing
                returning id, source, source_lead_id, account_id, conversion, accepted_at
            ), notified as (
                -- lead.accepted for the webhook subscriptions of the lead's source, committed with the lead (the lead id is the event id).
                insert into ingestion.webhook_delivery (subscription_id, event_id, event_type, lead_id, payload)
                select w.id, s.id, 'lead.accepted', s.id,
                       jsonb_build_object('type', 'lead.accepted', 'timestamp', s.accepted_at, 'data', jsonb_build_object(
                           'leadId', s.id, 'source', s.source, 'sourceLeadId', s.source_lead_id, 'accountId', s.account_id,
                           'conversion', s.conversion, 'acceptedAt', s.accepted_at))
                  from stored s join ingestion.webhook_subscription w on w.source = lower(s.source) and 'lead.accepted' = any (w.event_types)
            ), planned as (
                insert into ingestion.lead_delivery (lead_id, integration_id, crm)
                select d.lead_id, d.integration_id, d.crm
                  from unnest(@deliveryLeadIds, @integrationIds, @crms) as d(lead_id, integration_id, crm)
                 where d.lead_id in (select id from stored)
            ), outboxed as (
                insert into ingestion.outbox (message_id, message_type, payload, trace_parent)
                select o.message_id, 'LeadConverted', o.message::jsonb, o.trace_parent
                  from unnest(@messageLeadIds, @messageIds, @messages, @traceParents) as o(lead_id, message_id, message, trace_parent)
                 where o.lead_id in (select id from stored)
            )
            select id from stored
            """;
        var deliveries = leads.SelectMany(l => l.Deliveries.Select(d => (l.LeadId, d))).ToList();
        var pushed = leads.Where(l => l.Message is not null).Select(l => (Lead: l, MessageId: Guid.CreateVersion7())).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = (await connection.QueryAsync<Guid>(new CommandDefinition(sql, new
        {
            ids = leads.Select(l => l.LeadId).ToArray(),
            sources = leads.Select(l => l.Lead.Source).ToArray(),
            sourceLeadIds = leads.Select(l => l.Lead.SourceLeadId).ToArray(),
            accountIds = leads.Select(l => l.Lead.AccountId).ToArray(),
            conversions = leads.Select(l => l.Lead.Conversion).ToArray(),
            payloads = leads.Select(l => l.Payload).ToArray(),
            idempotencyKeys = leads.Select(l => l.IdempotencyKey).ToArray(),
            hashes = leads.Select(l => l.BodyHash).ToArray(),
            acceptedAts = leads.Select(l => l.AcceptedAt).ToArray(),
            deliveryLeadIds = deliveries.Select(d => d.LeadId).ToArray(),
            integrationIds = deliveries.Select(d => d.d.IntegrationId).ToArray(),
            crms = deliveries.Select(d => d.d.Crm).ToArray(),
            messageLeadIds = pushed.Select(p => p.Lead.LeadId).ToArray(),
            messageIds = pushed.Select(p => p.MessageId).ToArray(),
            messages = pushed.Select(p => p.Lead.MessageJson).ToArray(),
            traceParents = pushed.Select(p => p.Lead.TraceParent).ToArray(),
        }, cancellationToken: ct))).ToHashSet();
        foreach (var (lead, messageId) in pushed.Where(p => stored.Contains(p.Lead.LeadId)))
        {
            outbox.Add(new OutboxEntry(messageId, lead.Message!, lead.TraceParent));
        }
        return leads.Select(l => stored.Contains(l.LeadId)).ToList();
    }
}
