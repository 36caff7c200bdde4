using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Queue <c>ingestion-webhooks</c>, its own: the delivery view's queue keeps its pace whatever the subscribers do. An
/// event that arrives while PostgreSQL is briefly away is retried, not dropped.
/// </summary>
public sealed class WebhookEventConsumerDefinition : ConsumerDefinition<WebhookEventConsumer>
{
    public const string Queue = "ingestion-webhooks";

    public WebhookEventConsumerDefinition()
    {
        EndpointName = Queue;
        // Events consumed together share a commit (WebhookEventLog): as many at once as the delivery view's queue.
        ConcurrentMessageLimit = 64;
        Endpoint(e => e.PrefetchCount = 128);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WebhookEventConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
