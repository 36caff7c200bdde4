using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Learns what became of a lead and has <see cref="WebhookEventLog"/> write its webhook deliveries before the message is
/// acknowledged. The message id is the event id: a redelivered message adds nothing. Payloads carry ids, statuses, the
/// CRM and times, never the person.
/// </summary>
public sealed class WebhookEventConsumer(WebhookEventLog events)
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

    private Task RecordAsync(ConsumeContext context, string type, Guid leadId, DateTimeOffset at, object data) =>
        // A message without an id (a raw publisher's) still gets one event id per lead, type and time.
        events.RecordAsync(new WebhookEventLog.Event(context.MessageId ?? NewId.NextGuid(), type, leadId, at,
            JsonSerializer.Serialize(data, PlatformJson.Options)), context.CancellationToken);
}
