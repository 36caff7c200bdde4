using LeadPlatform.ServiceDefaults.Watchdog;
using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// A queue that takes only the messages whose routing key matches. MassTransit binds a consumer's queue to each
/// message type's fanout exchange, which passes every message on; instead: message exchange (fanout) ->
/// <c>{queue}-routing</c> (topic, named after the queue, so no broker permission changes) -> the endpoint's exchange,
/// with the given binding keys. Connectors take their CRM's leads this way (<c>CrmRoute</c>), notifications the leads
/// someone is to be told of (<c>NotificationRoute</c>).
/// </summary>
public static class TopicRouting
{
    public static string Exchange(string queue) => $"{queue}-routing";

    /// <summary>MassTransit's name for a message type's exchange (its default entity name formatter).</summary>
    public static string MessageExchange<T>() => $"{typeof(T).Namespace}:{typeof(T).Name}";

    /// <summary>Binds <paramref name="queue"/>'s endpoint to the message exchanges through its routing exchange; the
    /// caller turns the messages' own topology off (<c>ConfigureMessageTopology&lt;T&gt;(false)</c>).</summary>
    public static void BindThroughTopic(this IRabbitMqReceiveEndpointConfigurator endpoint, string queue,
        IReadOnlyList<string> bindingKeys, IReadOnlyList<string> messageExchanges)
    {
        foreach (var key in bindingKeys)
        {
            endpoint.Bind(Exchange(queue), routing =>
            {
                routing.ExchangeType = ExchangeType.Topic;
                routing.RoutingKey = key;
                foreach (var message in messageExchanges)
                {
                    routing.Bind(message, fanout =>
                    {
                        fanout.ExchangeType = ExchangeType.Fanout;
                        fanout.RoutingKey = "";
                    });
                }
            });
        }
    }

    /// <summary>
    /// Removes the direct bindings an earlier version made (message exchange -> the queue's exchange) of each queue in
    /// <paramref name="exchangesByQueue"/>, once its endpoint is consuming through its routing exchange: until then a
    /// message still arrives one way or the other, and one arriving both ways meanwhile is a repeat its consumer
    /// absorbs. Unbinding what is not bound changes nothing. One observer per service: MassTransit keeps one
    /// registration of each observer type.
    /// </summary>
    public class DirectBindings(RabbitMqAddress broker, ILogger logger, IReadOnlyDictionary<string, string[]> exchangesByQueue)
        : IReceiveEndpointObserver
    {
        public async Task Ready(ReceiveEndpointReady ready)
        {
            var queue = ReadyEndpoints.QueueName(ready.InputAddress);
            if (!exchangesByQueue.TryGetValue(queue, out var messageExchanges))
            {
                return;
            }
            try
            {
                await using var connection = await broker.OpenConnectionAsync($"{queue} routing", CancellationToken.None);
                await using var channel = await connection.CreateChannelAsync();
                foreach (var message in messageExchanges)
                {
                    await channel.ExchangeUnbindAsync(destination: queue, source: message, routingKey: "");
                }
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not remove the direct bindings of {Queue} ({Message}); its messages may arrive twice",
                    queue, ex.Message);
            }
        }

        public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
        public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
        public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
    }
}
