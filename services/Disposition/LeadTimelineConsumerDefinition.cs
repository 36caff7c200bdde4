using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>A lead event that meets the database briefly away is tried again a few times within seconds (queue <c>disposition-timeline</c>).</summary>
public sealed class LeadTimelineConsumerDefinition : ConsumerDefinition<LeadTimelineConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadTimelineConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
}
