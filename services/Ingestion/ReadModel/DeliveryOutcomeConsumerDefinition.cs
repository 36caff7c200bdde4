using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Queue <c>ingestion-delivery-view</c>. An outcome that arrives while PostgreSQL is briefly away is retried rather
/// than dead-lettered: otherwise the lead's delivery view would stay "pending" although the CRM has it.
/// </summary>
public sealed class DeliveryOutcomeConsumerDefinition : ConsumerDefinition<DeliveryOutcomeConsumer>
{
    public DeliveryOutcomeConsumerDefinition()
    {
        EndpointName = "ingestion-delivery-view";
        // Each outcome waits for its group commit; the more wait together, the fewer commits (MassTransit's default is 16).
        ConcurrentMessageLimit = 64;
        Endpoint(e => e.PrefetchCount = 128);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryOutcomeConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
