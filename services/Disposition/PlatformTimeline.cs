using Dapper;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// Writes the platform's own events on lead timelines (<see cref="LeadTimelineConsumer"/>): the lead made known, the CRM
/// record ids it was delivered as, and the entry. Events consumed together share one round trip and one commit, which
/// each consumer awaits before its message is acknowledged; each batch stays open 20 ms for more (nobody's delivery
/// waits on a timeline). Three statements in one command run in one implicit transaction. An event of an erased lead
/// adds nothing (<see cref="DispositionErasureConsumer"/> keeps the ids); a repeated dedupe key adds nothing.
/// </summary>
public sealed class PlatformTimeline(NpgsqlDataSource dataSource)
{
    public sealed record CrmRecord(string IntegrationId, string RecordId, string Kind);

    /// <param name="Details">JSON.</param>
    /// <param name="TraceParent">The trace the lead's messages travel in, kept with the lead.</param>
    public sealed record Entry(
        Guid LeadId, string? AccountId, string? Email, string? TraceParent, string Kind, string? IntegrationId, string? Provider,
        string Details, DateTimeOffset OccurredAt, string DedupeKey, IReadOnlyList<CrmRecord> Records);

    private const string Sql = """
        insert into disposition.lead (lead_id, account_id, email, trace_parent)
        select l.lead_id, l.account_id, lower(l.email), l.trace_parent
          from unnest(@leadIds, @accountIds, @emails, @traceParents) as l(lead_id, account_id, email, trace_parent)
         where not exists (select 1 from disposition.erased_lead x where x.lead_id = l.lead_id)
        on conflict (lead_id) do update set account_id = coalesce(disposition.lead.account_id, excluded.account_id),
                                            email = coalesce(disposition.lead.email, excluded.email),
                                            trace_parent = coalesce(disposition.lead.trace_parent, excluded.trace_parent);
        insert into disposition.crm_record (integration_id, record_id, record_kind, lead_id)
        select r.integration_id, r.record_id, r.record_kind, r.lead_id
          from unnest(@recordIntegrationIds, @recordIds, @recordKinds, @recordLeadIds) as r(integration_id, record_id, record_kind, lead_id)
         where not exists (select 1 from disposition.erased_lead x where x.lead_id = r.lead_id)
        on conflict (integration_id, record_id) do nothing;
        insert into disposition.timeline (lead_id, kind, source, integration_id, provider, details, occurred_at, dedupe_key)
        select t.lead_id, t.kind, 'platform', t.integration_id, t.provider, t.details::jsonb, t.occurred_at, t.dedupe_key
          from unnest(@entryLeadIds, @kinds, @integrationIds, @providers, @details, @occurredAts, @dedupeKeys)
               with ordinality as t(lead_id, kind, integration_id, provider, details, occurred_at, dedupe_key, n)
         where not exists (select 1 from disposition.erased_lead x where x.lead_id = t.lead_id)
         order by t.n
        on conflict (dedupe_key) do nothing
        """;

    private readonly GroupCommit<Entry, bool> _writes = new(async (entries, ct) =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, Args(entries), cancellationToken: ct));
        return entries.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(20), name: "disposition_timeline");

    public Task WriteAsync(Entry entry, CancellationToken ct) => _writes.WriteAsync(entry, ct);

    private static object Args(IReadOnlyList<Entry> entries)
    {
        // One row per lead: an upsert may not touch the same row twice in one statement. The first event's values win,
        // as a later event's would only fill what is still empty.
        var leads = entries.GroupBy(e => e.LeadId).Select(g => new
        {
            LeadId = g.Key,
            AccountId = g.Select(e => e.AccountId).FirstOrDefault(v => v is not null),
            Email = g.Select(e => e.Email).FirstOrDefault(v => v is not null),
            TraceParent = g.Select(e => e.TraceParent).FirstOrDefault(v => v is not null),
        }).ToList();
        var records = entries.SelectMany(e => e.Records.Select(r => (e.LeadId, Record: r))).ToList();
        return new
        {
            leadIds = leads.Select(l => l.LeadId).ToArray(),
            accountIds = leads.Select(l => l.AccountId).ToArray(),
            emails = leads.Select(l => l.Email).ToArray(),
            traceParents = leads.Select(l => l.TraceParent).ToArray(),
            recordIntegrationIds = records.Select(r => r.Record.IntegrationId).ToArray(),
            recordIds = records.Select(r => r.Record.RecordId).ToArray(),
            recordKinds = records.Select(r => r.Record.Kind).ToArray(),
            recordLeadIds = records.Select(r => r.LeadId).ToArray(),
            entryLeadIds = entries.Select(e => e.LeadId).ToArray(),
            kinds = entries.Select(e => e.Kind).ToArray(),
            integrationIds = entries.Select(e => e.IntegrationId).ToArray(),
            providers = entries.Select(e => e.Provider).ToArray(),
            details = entries.Select(e => e.Details).ToArray(),
            occurredAts = entries.Select(e => e.OccurredAt.ToUniversalTime()).ToArray(),
            dedupeKeys = entries.Select(e => e.DedupeKey).ToArray(),
        };
    }
}
