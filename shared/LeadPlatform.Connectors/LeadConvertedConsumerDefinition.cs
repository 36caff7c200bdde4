using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Connectors;

/// <summary>
/// What may escape the consumer is the platform's own trouble (the database or broker briefly away), never the
/// CRM's: the processor records those in the ledger. Retry it a few times before the message goes to the
/// error queue; a delivery recorded but never claimed is picked up by the scheduled retries anyway. On the consumer,
/// not the endpoint: <see cref="LeadUpdatedConsumer"/> shares the <c>connector-{crm}</c> endpoint, and an endpoint
/// retry would wrap its own retries (5 x 8 tries of an update instead of 8).
/// </summary>
public sealed class LeadConvertedConsumerDefinition : ConsumerDefinition<LeadConvertedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadConvertedConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
