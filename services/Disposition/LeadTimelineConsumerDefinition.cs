using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>A lead event that meets the database briefly away is tried again a few times within seconds (queue <c>disposition-timeline</c>).</summary>
public sealed class LeadTimelineConsumerDefinition : ConsumerDefinition<LeadTimelineConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadTimelineConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000, 5000));
}
