using LeadPlatform.ServiceDefaults.Watchdog;
using MassTransit;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Publishing with a time limit. RabbitMQ.Client 7.2 can leave a publish awaiting its confirm forever when the
/// connection drops mid-publish (rabbitmq-dotnet-client#1930); a consumer stuck there also keeps MassTransit from
/// restarting its receive endpoint, so the service stops consuming until it is restarted. Bounded, the publish
/// fails instead and the caller's retry (the message's redelivery, the ledger's republish) sends it again. Each
/// publish is reported to <see cref="PublishHealth"/>, so the watchdog restarts a service whose publishing stays wedged.
/// </summary>
public static class BoundedPublish
{
    /// <summary>Longer than a broker blip MassTransit waits out by reconnecting, shorter than anyone waits for a lead.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static Task PublishBoundedAsync(this IPublishEndpoint endpoint, object message, CancellationToken ct) =>
        endpoint.PublishBoundedAsync(message, "", ct);

    /// <param name="routingKey">For the consumers that bind through a topic exchange; fanout exchanges ignore it.</param>
    public static async Task PublishBoundedAsync(this IPublishEndpoint endpoint, object message, string routingKey, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(Limit);
        var health = PublishHealth.Process;
        var id = health.Started(DateTimeOffset.UtcNow);
        var timedOut = false;
        try
        {
            if (routingKey.Length == 0)
            {
                await endpoint.Publish(message, message.GetType(), bounded.Token);
            }
            else
            {
                // Try: a transport without routing keys (a test harness's) publishes as before.
                await endpoint.Publish(message, message.GetType(), ctx => ctx.TrySetRoutingKey(routingKey), bounded.Token);
            }
        }
        catch (Exception) when (bounded.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            timedOut = true;
            throw;
        }
        finally
        {
            health.Ended(id, timedOut, DateTimeOffset.UtcNow);
        }
    }
}
