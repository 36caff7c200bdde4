using MassTransit;

namespace LeadPlatform.Connectors;

/// <summary>
/// An update whose delivery is still in flight, or whose CRM or database is briefly away, is tried again a few
/// times over about a minute and a half before the message goes to the error queue.
/// </summary>
public sealed class LeadUpdatedConsumerDefinition : ConsumerDefinition<LeadUpdatedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadUpdatedConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<CrmPermanentException>();
            r.Intervals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
                TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        });
}
