using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>
/// Queue <c>disposition-timeline</c>, 128 prefetched. Its consumers wait on a group commit (<see cref="PlatformTimeline"/>): the more
/// messages wait together, the fewer commits, so up to 64 at once (MassTransit's default is 16). A lead event that meets
/// the database briefly away is tried again a few times within seconds.
/// </summary>
public sealed class LeadTimelineConsumerDefinition : ConsumerDefinition<LeadTimelineConsumer>
{
    public const string Queue = "disposition-timeline";

    public LeadTimelineConsumerDefinition()
    {
        EndpointName = Queue;
        ConcurrentMessageLimit = 64;
        Endpoint(e => e.PrefetchCount = 128);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadTimelineConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
}
