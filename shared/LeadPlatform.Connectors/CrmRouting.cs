using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Watchdog;
using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace LeadPlatform.Connectors;

/// <summary>
/// The <c>connector-{crm}</c> queue gets the lead messages of its own CRM only (<see cref="CrmRoute"/>). Bound straight
/// to the messages' fanout exchanges, as MassTransit would, every connector got every lead: one quorum-queue write,
/// delivery and acknowledgement per connector deployed, and every connector's queue (which scales it) grew with every
/// lead. Instead: message exchange (fanout) -> <c>connector-{crm}-routing</c> (topic, this connector's own, so no broker
/// permission changes) -> the endpoint's exchange, with <see cref="CrmRoute.BindingKey"/> and the empty key.
/// </summary>
public static class CrmRouting
{
    /// <summary>The CRM's queue, which its connector instances compete on (and the endpoint's exchange).</summary>
    public static string Queue(string crm) => $"connector-{crm}";

    public static string RoutingExchange(string crm) => $"{Queue(crm)}-routing";

    /// <summary>MassTransit's name for a message type's exchange (its default entity name formatter).</summary>
    public static string MessageExchange<T>() => $"{typeof(T).Namespace}:{typeof(T).Name}";

    private static readonly string[] LeadMessageExchanges = [MessageExchange<LeadConverted>(), MessageExchange<LeadUpdated>()];

    public static void RouteLeadsByCrm(this IRabbitMqReceiveEndpointConfigurator endpoint, string crm)
    {
        endpoint.ConfigureMessageTopology<LeadConverted>(false);
        endpoint.ConfigureMessageTopology<LeadUpdated>(false);
        foreach (var key in new[] { CrmRoute.BindingKey(crm), "" })
        {
            endpoint.Bind(RoutingExchange(crm), routing =>
            {
                routing.ExchangeType = ExchangeType.Topic;
                routing.RoutingKey = key;
                foreach (var message in LeadMessageExchanges)
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
    /// Removes the direct binding an earlier version made (message exchange -> <c>connector-{crm}</c>), once the endpoint
    /// is consuming through its routing exchange: until then a lead still arrives one way or the other, and a lead
    /// arriving both ways meanwhile is claimed once (the ledger). Unbinding what is not bound changes nothing.
    /// </summary>
    public sealed class LegacyBindings(string crm, RabbitMqAddress broker, ILogger<LegacyBindings> logger) : IReceiveEndpointObserver
    {
        public async Task Ready(ReceiveEndpointReady ready)
        {
            var queue = Queue(crm);
            if (ReadyEndpoints.QueueName(ready.InputAddress) != queue)
            {
                return;
            }
            try
            {
                await using var connection = await broker.OpenConnectionAsync($"{queue} routing", CancellationToken.None);
                await using var channel = await connection.CreateChannelAsync();
                foreach (var message in LeadMessageExchanges)
                {
                    await channel.ExchangeUnbindAsync(destination: queue, source: message, routingKey: "");
                }
            }
            catch (Exception ex)
            {
                logger.LogWarning("Could not remove the direct lead bindings of {Queue} ({Message}); its leads may arrive twice, and are claimed once",
                    queue, ex.Message);
            }
        }

        public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
        public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
        public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
    }
}
