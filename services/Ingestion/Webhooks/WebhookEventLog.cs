using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Writes one webhook delivery per subscription of the lead's source that wants the event. Events consumed together
/// share one statement and one commit (one statement per event was the last unbatched write on a lead's path);
/// each consumer's await, and so its acknowledgement, waits for its own event to be durable. Sending is the sender's
/// job, so a batch stays open 20 ms for more events. The delivery view writes the outcomes' events in its own
/// statements' round trip (<see cref="Alongside"/>, <see cref="ReadModel.DeliveredView"/>).
/// </summary>
public sealed class WebhookEventLog(NpgsqlDataSource dataSource)
{
    /// <summary>An event of a lead; <paramref name="Data"/> is the JSON merged into the payload's data.</summary>
    public sealed record Event(Guid EventId, string Type, Guid LeadId, DateTimeOffset At, string Data)
    {
        /// <summary>
        /// The event a consumed message is: its message id is the event id, so every consumer of the same message
        /// writes the same delivery. A message without an id (a raw publisher's) gets a new one.
        /// </summary>
        public static Event Of(ConsumeContext context, string type, Guid leadId, DateTimeOffset at, object data) =>
            new(context.MessageId ?? NewId.NextGuid(), type, leadId, at, JsonSerializer.Serialize(data, PlatformJson.Options));
    }

    /// <summary>
    /// The insert, with parameters <c>@eventIds, @types, @leadIds, @ats, @datas</c> (<see cref="InsertArgs"/>). The event
    /// id makes a redelivered event add nothing (do nothing also covers a repeat within one batch).
    /// </summary>
    private const string InsertSql = """
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

    private static DynamicParameters InsertArgs(IReadOnlyList<Event> events) => new(new
    {
        eventIds = events.Select(e => e.EventId).ToArray(),
        types = events.Select(e => e.Type).ToArray(),
        leadIds = events.Select(e => e.LeadId).ToArray(),
        ats = events.Select(e => e.At.ToUniversalTime()).ToArray(),
        datas = events.Select(e => e.Data).ToArray(),
    });

    /// <summary>
    /// A command that runs <paramref name="sql"/> and then writes the deliveries of <paramref name="events"/>: two
    /// statements, one round trip, one implicit transaction. A parameter of <paramref name="args"/> named as one of the
    /// insert's (<c>@leadIds</c>) must hold the same values.
    /// </summary>
    public static CommandDefinition Alongside(string sql, object args, IReadOnlyList<Event> events, CancellationToken ct)
    {
        var parameters = InsertArgs(events);
        parameters.AddDynamicParams(args);
        return new CommandDefinition(sql + ";\n" + InsertSql, parameters, cancellationToken: ct);
    }

    private readonly GroupCommit<Event, bool> _writes = new(async (events, ct) =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, InsertArgs(events), cancellationToken: ct));
        return events.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(20), name: "webhook_events");

    public Task RecordAsync(Event e, CancellationToken ct) => _writes.WriteAsync(e, ct);
}
