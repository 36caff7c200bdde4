using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Connectors;

/// <summary>
/// Receives every <see cref="LeadUpdated"/> on <c>connector-{crm}</c> and brings each delivery of this CRM up to
/// date: a delivered record gets the update through the connector's <see cref="ICrmUpdater"/> (once per version,
/// never an older version over a newer one); a delivery still waiting carries the updated lead in its ledger
/// message instead; a delivery in flight (or not recorded yet) is retried shortly, until it settles.
/// </summary>
public sealed class LeadUpdatedConsumer(
    LedgerUpdates updates,
    DeliveryLedger ledger,
    IntegrationStore integrations,
    ICrmConnector connector,
    DeliveryResilience resilience,
    IOptions<ConnectorOptions> options,
    ILogger<LeadUpdatedConsumer> logger) : IConsumer<LeadUpdated>
{
    private readonly ConnectorOptions _options = options.Value;

    public async Task Consume(ConsumeContext<LeadUpdated> context)
    {
        var message = context.Message;
        var ct = context.CancellationToken;
        foreach (var delivery in message.Deliveries.Where(d => string.Equals(d.Crm, _options.Crm, StringComparison.OrdinalIgnoreCase)))
        {
            await BringUpToDateAsync(message, delivery.IntegrationId, ct);
        }
    }

    private async Task BringUpToDateAsync(LeadUpdated message, string integrationId, CancellationToken ct)
    {
        while (true)
        {
            var entry = await ledger.FindAsync(message.LeadId, integrationId, ct)
                ?? throw new DeliveryNotSettledException("its delivery is not recorded yet");
            if (entry.UpdateVersion >= message.Version)
            {
                return; // Applied or carried already (a redelivered update), or a newer one was.
            }
            switch (entry.State)
            {
                case LedgerStates.Pending or LedgerStates.RetryScheduled:
                    if (await updates.CarryIntoWaitingAsync(message.LeadId, integrationId, message.Lead, message.Version, ct))
                    {
                        return;
                    }
                    continue; // Claimed or finished meanwhile: look again.
                case LedgerStates.InProgress:
                    throw new DeliveryNotSettledException("its delivery is in progress");
                case LedgerStates.Delivered:
                    await using (var held = await updates.LockDeliveredAsync(message.LeadId, integrationId, ct))
                    {
                        if (held is null)
                        {
                            continue;
                        }
                        if (held.UpdateVersion < message.Version)
                        {
                            await ApplyAsync(message, entry, held, ct);
                        }
                    }
                    return;
                default:
                    return; // Failed: there is no record to update.
            }
        }
    }

    private async Task ApplyAsync(LeadUpdated message, LedgerEntry entry, AppliedUpdateLock held, CancellationToken ct)
    {
        using var activity = LeadPlatformTelemetry.Source.StartActivity($"update {entry.Crm}");
        var span = activity.IfRecorded();
        span?.SetTag(LeadTags.LeadId, entry.LeadId);
        span?.SetTag(LeadTags.IntegrationId, entry.IntegrationId);
        span?.SetTag("lead.update_version", message.Version);
        var integration = await integrations.FindAsync(entry.IntegrationId, ct);
        if (integration is null || !integration.Enabled || connector is not ICrmUpdater updater)
        {
            logger.LogInformation("Update {Version} of lead {LeadId} not sent to {IntegrationId}: integration disabled or CRM takes no updates",
                message.Version, entry.LeadId, entry.IntegrationId);
            await held.MarkAppliedAsync(message.Version, ct);
            return;
        }
        var recordIds = JsonSerializer.Deserialize<Dictionary<string, string>>(entry.RecordIds ?? "{}", PlatformJson.Options)!;
        var request = new UpdateRequest(entry.LeadId, message.Lead, integration, recordIds, message.ChangedFields, message.Version);
        try
        {
            await resilience.For(entry.IntegrationId).ExecuteAsync(token => new ValueTask(updater.UpdateAsync(request, token)), ct);
        }
        catch (CrmPermanentException ex)
        {
            // The CRM refuses this update; retrying cannot fix it. The next update is tried on its own.
            logger.LogWarning("Update {Version} of lead {LeadId} refused by {IntegrationId} ({Failure})",
                message.Version, entry.LeadId, entry.IntegrationId, ex.GetType().Name);
        }
        await held.MarkAppliedAsync(message.Version, ct);
    }
}

/// <summary>The update waits for its delivery to settle (recorded, and not in flight); the consumer retries it.</summary>
public sealed class DeliveryNotSettledException(string message) : Exception(message);
