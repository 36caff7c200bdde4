using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// The webhook events of a delivery's outcome. The delivery view writes them in its own round trip
/// (<see cref="ReadModel.DeliveredView"/>); <see cref="WebhookEventConsumer"/> only for outcomes queued to
/// <c>ingestion-webhooks</c> before that queue was unbound from them.
/// </summary>
public static class OutcomeWebhookEvents
{
    public static WebhookEventLog.Event Delivered(ConsumeContext<LeadDelivered> context)
    {
        var m = context.Message;
        return WebhookEventLog.Event.Of(context, WebhookEventTypes.Delivered, m.LeadId, m.DeliveredAt, new
        {
            m.IntegrationId, m.Crm, m.RecordIds, m.Outcome, m.Attempts, m.DeliveredAt,
        });
    }

    public static WebhookEventLog.Event DeliveryFailed(ConsumeContext<LeadDeliveryFailed> context)
    {
        var m = context.Message;
        // Not the reason: a CRM's error text can quote the lead back.
        return WebhookEventLog.Event.Of(context, WebhookEventTypes.DeliveryFailed, m.LeadId, m.FailedAt, new
        {
            m.IntegrationId, m.Crm, m.Permanent, m.Attempts, m.FailedAt,
        });
    }
}
