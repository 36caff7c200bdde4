using MassTransit;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

public static class DatabaseOutageRetry
{
    /// <summary>
    /// A message whose consumer met PostgreSQL briefly away (or a timeout) is tried again over about 22 s instead of
    /// going to the error queue. On the consumer, not the endpoint: a retry on an endpoint that hosts several consumers
    /// would wrap their own retries.
    /// </summary>
    public static void RetryThroughDatabaseOutage<TConsumer>(this IConsumerConfigurator<TConsumer> consumer)
        where TConsumer : class =>
        consumer.UseMessageRetry(r =>
        {
            r.Handle<NpgsqlException>();
            r.Handle<TimeoutException>();
            r.Intervals(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        });
}
