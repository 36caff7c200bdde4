using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// An endpoint whose consumer waits on a group commit: the more messages wait together, the fewer commits
/// (MassTransit's default of 16 at once is raised to 64), and a message that arrives while PostgreSQL is briefly away
/// is retried rather than dead-lettered.
/// </summary>
public abstract class GroupCommitConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    /// <param name="consumeTopology">False for a queue bound to nothing, consumed only to finish what waits in it.</param>
    protected GroupCommitConsumerDefinition(string queue, bool consumeTopology = true)
    {
        EndpointName = queue;
        ConcurrentMessageLimit = 64;
        Endpoint(e =>
        {
            e.PrefetchCount = 128;
            e.ConfigureConsumeTopology = consumeTopology;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.RetryThroughDatabaseOutage();
}
