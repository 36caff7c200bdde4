using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.ReadModel;
using MassTransit;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Queue <c>ingestion-webhooks</c>, its own: the delivery view's queue keeps its pace whatever the subscribers do.
/// Events consumed together share a commit (<see cref="WebhookEventLog"/>); one that arrives while PostgreSQL is
/// briefly away is retried, not dropped. It is bound to the dispositions' exchanges only: the outcomes its consumer
/// still takes are those queued before 2026-12-04 (<see cref="Operations.RetiredBindings"/>).
/// </summary>
public sealed class WebhookEventConsumerDefinition() : GroupCommitConsumerDefinition<WebhookEventConsumer>(Queue)
{
    public const string Queue = "ingestion-webhooks";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WebhookEventConsumer> consumerConfigurator, IRegistrationContext context)
    {
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
        endpointConfigurator.ConfigureMessageTopology<LeadDelivered>(enabled: false);
        endpointConfigurator.ConfigureMessageTopology<LeadDeliveryFailed>(enabled: false);
    }
}
