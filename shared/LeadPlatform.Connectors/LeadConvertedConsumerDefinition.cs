using MassTransit;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// What may escape the consumer is the platform's own trouble (the database or broker briefly away), never the
/// CRM's: the processor records those in the ledger. Retry it a few times before the message goes to the
/// error queue; a delivery recorded but never claimed is picked up by the scheduled retries anyway.
/// </summary>
public sealed class LeadConvertedConsumerDefinition : ConsumerDefinition<LeadConvertedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadConvertedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<NpgsqlException>();
            r.Handle<TimeoutException>();
            r.Intervals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        });
}
