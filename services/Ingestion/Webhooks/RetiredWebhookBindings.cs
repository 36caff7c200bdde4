using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.Operations;
using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Removes the bindings of <c>ingestion-webhooks</c> to the outcome exchanges (<see cref="LeadDelivered"/>,
/// <see cref="LeadDeliveryFailed"/>), which versions before 2026-12-04 declared: the delivery view writes those
/// webhooks now, and MassTransit never removes a binding it no longer declares, so every outcome would still be
/// queued twice. Once at start-up, retried until the broker answers. An older instance still running in a rolling
/// update may bind them again when it reconnects; both paths write the same event ids, so nothing is sent twice, and
/// the next start of this version unbinds them again.
/// </summary>
public sealed class RetiredWebhookBindings(ErrorQueues broker, IBus bus, ILogger<RetiredWebhookBindings> logger) : BackgroundService
{
    public static readonly Type[] Retired = [typeof(LeadDelivered), typeof(LeadDeliveryFailed)];

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string[] exchanges = [bus.Topology.Message<LeadDelivered>().EntityName, bus.Topology.Message<LeadDeliveryFailed>().EntityName];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await UnbindAsync(exchanges, stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not remove the retired bindings of {Queue}; trying again in {RetryAfter}",
                    WebhookEventConsumerDefinition.Queue, RetryAfter);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private async Task UnbindAsync(IEnumerable<string> exchanges, CancellationToken ct)
    {
        await using var connection = await broker.OpenConnectionAsync("ingestion-retired-bindings", ct);
        foreach (var exchange in exchanges)
        {
            // A channel each: a missing exchange (a broker that never had this topology) closes the channel.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                await channel.ExchangeUnbindAsync(WebhookEventConsumerDefinition.Queue, exchange, routingKey: "", cancellationToken: ct);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                continue;
            }
        }
        logger.LogInformation("{Queue} no longer bound to the outcome exchanges: the delivery view writes their webhooks",
            WebhookEventConsumerDefinition.Queue);
    }
}
