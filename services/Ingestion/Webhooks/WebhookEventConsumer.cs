using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Learns what became of a lead and writes one webhook delivery per subscription of the lead's source that wants the
/// event, in one statement, before the message is acknowledged. The message id is the event id: a redelivered message
/// adds nothing. Payloads carry ids, statuses, the CRM and times, never the person.
/// </summary>
public sealed class WebhookEventConsumer(NpgsqlDataSource dataSource)
    : IConsumer<LeadDelivered>, IConsumer<LeadDeliveryFailed>, IConsumer<LeadStatusChanged>, IConsumer<LeadActivityRecorded>,
      IConsumer<LeadOpportunityUpdated>
{
    public Task Consume(ConsumeContext<LeadDelivered> context)
    {
        var m = context.Message;
        return RecordAsync(context, WebhookEventTypes.Delivered, m.LeadId, m.DeliveredAt, new
        {
            m.IntegrationId, m.Crm, m.RecordIds, m.Outcome, m.Attempts, m.DeliveredAt,
        });
    }

    public Task Consume(ConsumeContext<LeadDeliveryFailed> context)
    {
        var m = context.Message;
        // Not the reason: a CRM's error text can quote the lead back.
        return RecordAsync(context, WebhookEventTypes.DeliveryFailed, m.LeadId, m.FailedAt, new
        {
            m.IntegrationId, m.Crm, m.Permanent, m.Attempts, m.FailedAt,
        });
    }

    public Task Consume(ConsumeContext<LeadStatusChanged> context)
    {
        var m = context.Message;
        return RecordAsync(context, WebhookEventTypes.StatusChanged, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Status, m.RawStatus, m.OccurredAt,
        });
    }

    public Task Consume(ConsumeContext<LeadActivityRecorded> context)
    {
        var m = context.Message;
        // Not the details: free text a rep typed about the person.
        return RecordAsync(context, WebhookEventTypes.ActivityRecorded, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Activity, m.RawType, m.OccurredAt,
        });
    }

    public Task Consume(ConsumeContext<LeadOpportunityUpdated> context)
    {
        var m = context.Message;
        return RecordAsync(context, WebhookEventTypes.OpportunityUpdated, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Stage, m.Amount, m.CloseDate, m.OccurredAt,
        });
    }

    private async Task RecordAsync(ConsumeContext context, string type, Guid leadId, DateTimeOffset at, object data)
    {
        const string sql = """
            insert into ingestion.webhook_delivery (subscription_id, event_id, event_type, lead_id, payload)
            select w.id, @eventId, @type, l.id,
                   jsonb_build_object('type', @type, 'timestamp', @at, 'data',
                       jsonb_build_object('leadId', l.id, 'source', l.source, 'sourceLeadId', l.source_lead_id, 'accountId', l.account_id)
                       || @data::jsonb)
              from ingestion.lead l
              join ingestion.webhook_subscription w on w.source = lower(l.source) and @type = any (w.event_types)
             where l.id = @leadId
            on conflict (subscription_id, event_id) do nothing
            """;
        // A message without an id (a raw publisher's) still gets one event id per lead, type and time.
        var eventId = context.MessageId ?? NewId.NextGuid();
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            eventId, type, leadId, at, data = JsonSerializer.Serialize(data, PlatformJson.Options),
        }, cancellationToken: context.CancellationToken));
    }
}
