using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.ReadModel;
using LeadPlatform.Ingestion.Webhooks;
using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>
/// Removes bindings earlier versions declared and this one does not: MassTransit never removes a binding, so their
/// messages would still be queued. Until 2026-12-04 each outcome (<see cref="LeadDelivered"/>,
/// <see cref="LeadDeliveryFailed"/>) went to <c>ingestion-webhooks</c> and, with <see cref="LeadStatusChanged"/>, to
/// <c>ingestion-delivery-view</c>; now one queue, <c>ingestion-outcomes</c>, writes the view and the outcomes'
/// webhooks together. Once at start-up, retried until the broker answers.
/// Why nothing is lost or sent twice in a rolling update: from the first new instance's start every outcome is queued
/// once, to <c>ingestion-outcomes</c>, which only new instances consume; what the old queues already hold is finished
/// by whichever instance consumes them (both versions write the same event ids). An older instance that reconnects
/// binds its queues again; its copies then repeat what <c>ingestion-outcomes</c> writes (absorbed by the event id and
/// the view's idempotent updates), until the next start of this version removes them again.
/// </summary>
public sealed class RetiredBindings(ErrorQueues broker, IBus bus, ILogger<RetiredBindings> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>(destination queue's exchange, source message exchange) pairs no longer bound.</summary>
    private IEnumerable<(string Queue, string Exchange)> Retired() =>
    [
        (WebhookEventConsumerDefinition.Queue, Exchange<LeadDelivered>()),
        (WebhookEventConsumerDefinition.Queue, Exchange<LeadDeliveryFailed>()),
        (RetiredDeliveryViewConsumerDefinition.Queue, Exchange<LeadDelivered>()),
        (RetiredDeliveryViewConsumerDefinition.Queue, Exchange<LeadDeliveryFailed>()),
        (RetiredDeliveryViewConsumerDefinition.Queue, Exchange<LeadStatusChanged>()),
    ];

    private string Exchange<T>() where T : class => bus.Topology.Message<T>().EntityName;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await UnbindAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not remove the retired bindings; trying again in {RetryAfter}", RetryAfter);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private async Task UnbindAsync(CancellationToken ct)
    {
        await using var connection = await broker.OpenConnectionAsync("ingestion-retired-bindings", ct);
        foreach (var (queue, exchange) in Retired())
        {
            // A channel each: a missing exchange (a broker that never had this topology) closes the channel.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            try
            {
                await channel.ExchangeUnbindAsync(queue, exchange, routingKey: "", cancellationToken: ct);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                continue;
            }
        }
        logger.LogInformation("Bindings retired on 2026-12-04 removed: every outcome is queued once, to {Queue}", DeliveryOutcomeConsumerDefinition.Queue);
    }
}
