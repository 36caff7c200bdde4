using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>
/// Queue <c>disposition-timeline</c>, 128 prefetched. Its consumers wait on a group commit (<see cref="PlatformTimeline"/>): the more
/// messages wait together, the fewer commits, so up to 64 at once (MassTransit's default is 16). A lead event that meets
/// the database away is tried again over ~22 s, as ingestion's and the connectors' are (before: 7.6 s, shorter than a
/// PostgreSQL crash and restart, and every event of a batch fails together).
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
        consumerConfigurator.RetryThroughDatabaseOutage();
}
