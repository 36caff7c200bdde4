using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Learns the CRM's dispositions of a lead and has <see cref="WebhookEventLog"/> write their webhook deliveries before
/// the message is acknowledged. The message id is the event id: a redelivered message adds nothing. Payloads carry ids,
/// statuses, the CRM and times, never the person. A delivery's outcomes are the delivery view's to write
/// (<see cref="OutcomeWebhookEvents"/>); this consumer still takes those queued here before the queue was unbound from
/// them (<see cref="WebhookEventConsumerDefinition"/>), writing the same event ids.
/// </summary>
public sealed class WebhookEventConsumer(WebhookEventLog events)
    : IConsumer<LeadDelivered>, IConsumer<LeadDeliveryFailed>, IConsumer<LeadStatusChanged>, IConsumer<LeadActivityRecorded>,
      IConsumer<LeadOpportunityUpdated>
{
    public Task Consume(ConsumeContext<LeadDelivered> context) => RecordAsync(context, OutcomeWebhookEvents.Delivered(context));

    public Task Consume(ConsumeContext<LeadDeliveryFailed> context) => RecordAsync(context, OutcomeWebhookEvents.DeliveryFailed(context));

    public Task Consume(ConsumeContext<LeadStatusChanged> context)
    {
        var m = context.Message;
        return RecordAsync(context, WebhookEventLog.Event.Of(context, WebhookEventTypes.StatusChanged, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Status, m.RawStatus, m.OccurredAt,
        }));
    }

    public Task Consume(ConsumeContext<LeadActivityRecorded> context)
    {
        var m = context.Message;
        // Not the details: free text a rep typed about the person.
        return RecordAsync(context, WebhookEventLog.Event.Of(context, WebhookEventTypes.ActivityRecorded, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Activity, m.RawType, m.OccurredAt,
        }));
    }

    public Task Consume(ConsumeContext<LeadOpportunityUpdated> context)
    {
        var m = context.Message;
        return RecordAsync(context, WebhookEventLog.Event.Of(context, WebhookEventTypes.OpportunityUpdated, m.LeadId, m.OccurredAt, new
        {
            m.IntegrationId, crm = m.Provider, m.Stage, m.Amount, m.CloseDate, m.OccurredAt,
        }));
    }

    private Task RecordAsync(ConsumeContext context, WebhookEventLog.Event e) => events.RecordAsync(e, context.CancellationToken);
}
