using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>Opportunities back to the supplier: each <c>LeadOpportunityUpdated</c> onto the lead's read model.</summary>
public sealed class LeadOpportunityConsumer(LeadOpportunities opportunities) : IConsumer<LeadOpportunityUpdated>
{
    public Task Consume(ConsumeContext<LeadOpportunityUpdated> context) => opportunities.RecordAsync(context.Message, context.CancellationToken);
}

/// <summary>Queue <c>ingestion-lead-opportunity</c>; a database briefly away is retried, not dead-lettered.</summary>
public sealed class LeadOpportunityConsumerDefinition : ConsumerDefinition<LeadOpportunityConsumer>
{
    public LeadOpportunityConsumerDefinition() => EndpointName = "ingestion-lead-opportunity";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadOpportunityConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
