using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Connectors;

/// <summary>
/// Runs deliveries whose retry is due, and takes over those whose worker died mid-call (lease expired),
/// straight from the ledger: a CRM down for hours holds no consumer slot and needs no delayed-message plugin.
/// Also sends outcome events that a crash or a broker outage kept from leaving.
/// </summary>
public sealed class ScheduledRetryWorker(
    DeliveryLedger ledger,
    IServiceScopeFactory scopes,
    IBus bus,
    IOptions<ConnectorOptions> options,
    ILogger<ScheduledRetryWorker> logger) : BackgroundService
{
    private readonly ConnectorOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RetryPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var processor = scope.ServiceProvider.GetRequiredService<DeliveryProcessor>();
                await RunDueAsync(processor, stoppingToken);
                await RepublishOutcomesAsync(processor, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Scheduled retries of {Crm} could not run this round", _options.Crm);
            }
        }
    }

    private async Task RunDueAsync(DeliveryProcessor processor, CancellationToken ct)
    {
        while (true)
        {
            var due = await ledger.ClaimDueAsync(_options.Crm, _options.ConcurrentMessageLimit, _options.Lease, ct);
            if (due.Count == 0)
            {
                return;
            }
            await Parallel.ForEachAsync(due, ct, async (entry, token) =>
            {
                using var parent = RestoreTrace(entry.TraceParent);
                try
                {
                    await processor.RunAsync(entry, bus, token);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    // Its lease runs out and a later round takes it again; the others of this batch go on.
                    logger.LogWarning(ex, "Scheduled retry of lead {LeadId} to {IntegrationId} could not finish", entry.LeadId, entry.IntegrationId);
                }
            });
        }
    }

    private async Task RepublishOutcomesAsync(DeliveryProcessor processor, CancellationToken ct)
    {
        foreach (var entry in await ledger.UnpublishedOutcomesAsync(_options.Crm, TimeSpan.FromSeconds(10), 100, ct))
        {
            await processor.RepublishAsync(entry, bus, ct);
        }
    }

    /// <summary>A retry continues the lead's trace from the message that first brought it.</summary>
    private static Activity? RestoreTrace(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context)
            ? ConnectorTelemetry.StartRetry(context)
            : null;
}
