using Dapper;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Writes one webhook delivery per subscription of the lead's source that wants the event. Events consumed together
/// share one statement and one commit (one statement per LeadDelivered was the last unbatched write on a lead's path);
/// each consumer's await, and so its acknowledgement, waits for its own event to be durable. Sending is the sender's
/// job, so a batch stays open 20 ms for more events.
/// </summary>
public sealed class WebhookEventLog(NpgsqlDataSource dataSource)
{
    /// <summary>An event of a lead; <paramref name="Data"/> is the JSON merged into the payload's data.</summary>
    public sealed record Event(Guid EventId, string Type, Guid LeadId, DateTimeOffset At, string Data);

    private readonly GroupCommit<Event, bool> _writes = new(async (events, ct) =>
    {
        // The message id is the event id: a redelivered event adds nothing (do nothing also covers a repeat within one batch).
        const string sql = """
            insert into ingestion.webhook_delivery (subscription_id, event_id, event_type, lead_id, payload)
            select w.id, e.event_id, e.event_type, l.id,
                   jsonb_build_object('type', e.event_type, 'timestamp', e.at, 'data',
                       jsonb_build_object('leadId', l.id, 'source', l.source, 'sourceLeadId', l.source_lead_id, 'accountId', l.account_id)
                       || e.data::jsonb)
              from unnest(@eventIds, @types, @leadIds, @ats, @datas) as e(event_id, event_type, lead_id, at, data)
              join ingestion.lead l on l.id = e.lead_id
              join ingestion.webhook_subscription w on w.source = lower(l.source) and e.event_type = any (w.event_types)
            on conflict (subscription_id, event_id) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            eventIds = events.Select(e => e.EventId).ToArray(),
            types = events.Select(e => e.Type).ToArray(),
            leadIds = events.Select(e => e.LeadId).ToArray(),
            ats = events.Select(e => e.At.ToUniversalTime()).ToArray(),
            datas = events.Select(e => e.Data).ToArray(),
        }, cancellationToken: ct));
        return events.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(20));

    public Task RecordAsync(Event e, CancellationToken ct) => _writes.WriteAsync(e, ct);
}
