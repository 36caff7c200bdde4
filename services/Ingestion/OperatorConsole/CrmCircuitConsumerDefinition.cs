using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>Queue <c>ingestion-crm-circuits</c>; a transition that arrives while PostgreSQL is briefly away is retried, not dead-lettered.</summary>
public sealed class CrmCircuitConsumerDefinition : ConsumerDefinition<CrmCircuitConsumer>
{
    public CrmCircuitConsumerDefinition() => EndpointName = "ingestion-crm-circuits";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CrmCircuitConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
