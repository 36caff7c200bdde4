using Dapper;
using LeadPlatform.Contracts;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// Disposition's part of an erasure (store <c>disposition</c>, queue <c>disposition-erasure</c>): the lead (its email),
/// its CRM record links (reported back: those CRMs still hold the person) and its whole timeline, whose details can
/// carry CRM error bodies and activity notes; a poll cursor's last error naming the lead or its email is cleared. With the
/// lead gone, a later disposition for it is refused as unknown, and its id is kept in <c>disposition.erased_lead</c> so
/// an event still in flight does not bring it back.
/// </summary>
public sealed class DispositionErasureConsumer(NpgsqlDataSource dataSource) : IConsumer<EraseLeadData>
{
    public const string Store = "disposition";

    private sealed record RecordRow(string IntegrationId, string RecordId, string RecordKind);

    public async Task Consume(ConsumeContext<EraseLeadData> context)
    {
        if (context.Message.Store != Store)
        {
            return;
        }
        var ct = context.CancellationToken;
        var args = new { leadIds = context.Message.LeadIds.ToArray() };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Tombstones first: an event of these leads still in flight adds nothing from now on (LeadTimelineConsumer).
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into disposition.erased_lead (lead_id) select unnest(@leadIds) on conflict do nothing", args, tx, cancellationToken: ct));
        // A CRM feed's last error can echo a person: cleared where it names one of these leads or their emails.
        var cursors = await connection.ExecuteAsync(new CommandDefinition("""
            update disposition.poll_cursor c set last_error = 'cleared by an erasure'
             where c.last_error is not null
               and exists (select 1 from disposition.lead l
                            where l.lead_id = any(@leadIds)
                              and (strpos(lower(c.last_error), l.lead_id::text) > 0
                                   or (l.email is not null and strpos(lower(c.last_error), lower(l.email)) > 0)))
            """, args, tx, cancellationToken: ct));
        var timeline = await connection.ExecuteAsync(new CommandDefinition(
            "delete from disposition.timeline where lead_id = any(@leadIds)", args, tx, cancellationToken: ct));
        var records = (await connection.QueryAsync<RecordRow>(new CommandDefinition("""
            delete from disposition.crm_record where lead_id = any(@leadIds)
            returning integration_id as IntegrationId, record_id as RecordId, record_kind as RecordKind
            """, args, tx, cancellationToken: ct))).ToList();
        var leads = await connection.ExecuteAsync(new CommandDefinition(
            "delete from disposition.lead where lead_id = any(@leadIds)", args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        await context.RespondAsync(new LeadDataErased
        {
            ErasureId = context.Message.ErasureId,
            Store = Store,
            Erased = new Dictionary<string, int>
            {
                ["disposition.lead"] = leads,
                ["disposition.crm_record"] = records.Count,
                ["disposition.timeline"] = timeline,
                ["disposition.poll_cursor"] = cursors,
            },
            CrmRecords = records.Select(r => new CrmRecordRef { IntegrationId = r.IntegrationId, RecordKind = r.RecordKind, RecordId = r.RecordId }).ToList(),
        });
    }
}
