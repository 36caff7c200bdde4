using System.Diagnostics;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace LeadPlatform.Connectors;

/// <summary>
/// Works one claimed delivery to its end: delivered, failed (permanent, or out of time), or scheduled for a
/// later retry. Records it in the ledger, then publishes the outcome.
/// </summary>
public sealed class DeliveryProcessor(
    ICrmConnector connector,
    DeliveryLedger ledger,
    LedgerUpdates ledgerUpdates,
    IntegrationStore integrations,
    DeliveryResilience resilience,
    IOptions<ConnectorOptions> options,
    TimeProvider clock,
    ILogger<DeliveryProcessor> logger)
{
    private readonly ConnectorOptions _options = options.Value;
    private static readonly TimeSpan UnknownIntegrationGrace = TimeSpan.FromSeconds(30);

    public async Task RunAsync(LedgerEntry entry, IPublishEndpoint publisher, CancellationToken ct)
    {
        var message = entry.Converted ?? JsonSerializer.Deserialize<LeadConverted>(entry.Message, PlatformJson.Options)!;
        using var activity = LeadPlatformTelemetry.Source.StartActivity($"deliver {entry.Crm}");
        var span = activity.IfRecorded();
        span?.SetTag(LeadTags.LeadId, entry.LeadId);
        span?.SetTag(LeadTags.Source, message.Lead.Source);
        span?.SetTag(LeadTags.AccountId, message.Lead.AccountId);
        span?.SetTag(LeadTags.IntegrationId, entry.IntegrationId);
        span?.SetTag(LeadTags.Crm, entry.Crm);
        span?.SetTag("delivery.attempts_before", entry.Attempts);

        var integration = await integrations.FindAsync(entry.IntegrationId, ct);
        if (integration is null || !integration.Enabled)
        {
            var reason = $"integration {entry.IntegrationId} is not configured or disabled";
            // Ingestion planned this delivery, so the integration existed there: a young lead most likely met this
            // connector's catalog cache before it saw the new integration. Look again shortly before giving up.
            if (clock.GetUtcNow() - message.AcceptedAt < UnknownIntegrationGrace)
            {
                await ledger.ScheduleRetryAsync(entry, 0, reason, clock.GetUtcNow() + TimeSpan.FromSeconds(2.5), entry.MayExist, ct);
                return;
            }
            await FailAsync(entry, 0, reason, permanent: true, publisher, ct);
            return;
        }

        if (entry.BatchedFor is null && DeliverySchedule.Of(integration) is { } schedule)
        {
            // A daily-batch integration: held until its next batch time, when the scheduled retries deliver it.
            var batchAt = schedule.NextAfter(clock.GetUtcNow());
            span?.SetTag("delivery.batched_for", batchAt);
            await ledgerUpdates.HoldForBatchAsync(entry, batchAt, ct);
            return;
        }

        var tries = 0;
        var mayExist = entry.MayExist;
        CrmResult result;
        await using (var lease = new LeaseKeeper(ledger, entry, _options.Lease, logger, ct))
        {
            try
            {
                result = await resilience.For(entry.IntegrationId).ExecuteAsync(async token =>
                {
                    tries++;
                    var request = new DeliveryRequest(entry.LeadId, message.Lead, integration, entry.Attempts + tries, mayExist);
                    try
                    {
                        return await connector.DeliverAsync(request, token);
                    }
                    catch (Exception ex) when (ex is not (CrmPermanentException or CrmConfigurationException or IntegrationSettingsException))
                    {
                        // The CRM may have acted before failing to answer: look before creating next time.
                        mayExist = true;
                        throw;
                    }
                }, lease.Token);
            }
            catch (Exception ex) when (ex is CrmConfigurationException or IntegrationSettingsException)
            {
                // Not the CRM's fault and not going to change by itself: fail now, saying it is the configuration.
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                await FailAsync(entry, tries, $"configuration of integration {entry.IntegrationId}: {ex.Message}", permanent: true, publisher, ct);
                return;
            }
            catch (CrmPermanentException ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                await FailAsync(entry, tries, ex.Message, permanent: true, publisher, ct);
                return;
            }
            catch (Exception) when (lease.Token.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return; // The lease was lost: the worker that took the delivery over records its outcome.
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Transient, or not understood (an unexpected answer, a connector bug): tried again later from the
                // ledger, and given up as failed once out of time, so nothing is stuck or retried forever.
                activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                await RetryLaterAsync(entry, message, tries, mayExist, ex, publisher, ct);
                return;
            }
        }

        // The ledger keeps the same time the event carries: a republished LeadDelivered must be the same event
        // (the disposition timeline dedupes on it), not a second delivery.
        var deliveredAt = OutcomeTime();
        if (!await ledger.MarkDeliveredAsync(entry, tries, result, ct, deliveredAt))
        {
            logger.LogWarning("Lead {LeadId} to {IntegrationId} was delivered after its lease was lost", entry.LeadId, entry.IntegrationId);
            return;
        }
        // To the CRM's answer, as the ledger and the event have it, not to the end of the mark's commit.
        ConnectorMetrics.Delivered(entry.Crm, deliveredAt - message.AcceptedAt);
        // Ids only: the lead's names, emails and phones never go into a log line. Debug: the ledger, the delivery view,
        // the deliveries counter and the delivery's span record every success already, and this line per lead cost the
        // connector a tenth of its CPU at full speed (docs/benchmark.md, "The connector's line per delivered lead"); its
        // arguments are built only when the line is written.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Delivered lead {LeadId} to {IntegrationId} ({Crm}, {Outcome}) after {Attempts} attempts; CRM records {RecordIds}",
                entry.LeadId, entry.IntegrationId, entry.Crm, result.Outcome, entry.Attempts + tries,
                string.Join(",", result.RecordIds.Select(r => $"{r.Key}={r.Value}")));
        }
        span?.SetTag("delivery.outcome", result.Outcome);
        await PublishAsync(publisher, entry,
            DeliveryOutcomes.Delivered(entry, result.RecordIds, result.Outcome, entry.Attempts + tries, message.AcceptedAt, deliveredAt), ct);
    }

    private async Task RetryLaterAsync(LedgerEntry entry, LeadConverted message, int tries, bool mayExist, Exception ex,
        IPublishEndpoint publisher, CancellationToken ct)
    {
        var reason = Describe(ex);
        if (!DeliveryResilience.IsTransient(ex))
        {
            logger.LogError("Delivery of lead {LeadId} to {IntegrationId} failed unexpectedly: {Failure} at {Where}",
                entry.LeadId, entry.IntegrationId, ex.GetType().FullName, ex.StackTrace);
        }
        if (clock.GetUtcNow() - message.AcceptedAt > _options.GiveUpAfter)
        {
            await FailAsync(entry, tries, $"gave up after {_options.GiveUpAfter}: {reason}", permanent: false, publisher, ct);
            return;
        }
        var next = clock.GetUtcNow() + NextDelay(entry.Attempts + tries, ex);
        // The reason (which may echo the CRM's answer, and so personal data) stays in the ledger, not the log.
        logger.LogWarning("Delivery of lead {LeadId} to {IntegrationId} failed ({Failure}); retrying at {NextAttempt}",
            entry.LeadId, entry.IntegrationId, ex.GetType().Name, next);
        ConnectorMetrics.Retry(entry.Crm);
        await ledger.ScheduleRetryAsync(entry, tries, reason, next, mayExist, ct);
    }

    /// <summary>Publishes the outcome event of a finished delivery whose event never left.</summary>
    public Task RepublishAsync(LedgerEntry entry, IPublishEndpoint publisher, CancellationToken ct)
    {
        var message = JsonSerializer.Deserialize<LeadConverted>(entry.Message, PlatformJson.Options)!;
        var finishedAt = new DateTimeOffset(entry.FinishedAt ?? DateTime.UtcNow, TimeSpan.Zero);
        object outcome = entry.State == LedgerStates.Delivered
            ? DeliveryOutcomes.Delivered(entry,
                JsonSerializer.Deserialize<Dictionary<string, string>>(entry.RecordIds ?? "{}", PlatformJson.Options)!,
                entry.Outcome ?? CrmResult.Created, entry.Attempts, message.AcceptedAt, finishedAt)
            : DeliveryOutcomes.Failed(entry, entry.LastError ?? "unknown", entry.Permanent, entry.Attempts, finishedAt);
        return PublishAsync(publisher, entry, outcome, ct);
    }

    private async Task FailAsync(LedgerEntry entry, int tries, string reason, bool permanent,
        IPublishEndpoint publisher, CancellationToken ct)
    {
        logger.LogWarning("Delivery of lead {LeadId} to {IntegrationId} failed ({Kind}); the reason is in the ledger",
            entry.LeadId, entry.IntegrationId, permanent ? "permanent" : "out of time");
        var failedAt = OutcomeTime();
        if (!await ledger.MarkFailedAsync(entry, tries, reason, permanent, ct, failedAt))
        {
            return; // The lease was lost: the worker that took the delivery over records its outcome.
        }
        ConnectorMetrics.GaveUp(entry.Crm, permanent);
        await PublishAsync(publisher, entry, DeliveryOutcomes.Failed(entry, reason, permanent, entry.Attempts + tries, failedAt), ct);
    }

    /// <summary>Now, to the microsecond PostgreSQL stores, so the time read back from the ledger is the same.</summary>
    private DateTimeOffset OutcomeTime()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }

    private async Task PublishAsync(IPublishEndpoint publisher, LedgerEntry entry, object outcome, CancellationToken ct)
    {
        // A delivered lead goes to the notifications service only when its integration has someone to tell (NotificationRoute).
        var routingKey = outcome is LeadDelivered ? NotificationRoute.DeliveredKey(await NotificationSettings.MayNotifyAsync(integrations, [entry.IntegrationId], ct)) : "";
        await publisher.PublishBoundedAsync(outcome, routingKey, ct);
        // Not awaited: a mark lost to a crash or an outage only means the scheduled retries publish the outcome again.
        _ = ledger.MarkOutcomePublishedAsync(entry.LeadId, entry.IntegrationId).ContinueWith(
            t => logger.LogWarning("Could not mark the outcome of lead {LeadId} to {IntegrationId} as published ({Message}); it will be published again",
                entry.LeadId, entry.IntegrationId, t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Doubling from the base delay, capped, with jitter; never sooner than the CRM's Retry-After or an open circuit.</summary>
    private TimeSpan NextDelay(int attempts, Exception ex)
    {
        var exponent = Math.Clamp(attempts - _options.InMemoryAttempts, 0, 16);
        var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxRetryDelay.Ticks, _options.RetryBaseDelay.Ticks << exponent));
        backoff *= 0.8 + Random.Shared.NextDouble() * 0.4;
        var floor = ex switch
        {
            CrmTransientException { RetryAfter: { } wait } when wait > TimeSpan.Zero => wait,
            BrokenCircuitException { RetryAfter: { } wait } => wait,
            _ => TimeSpan.Zero,
        };
        return backoff > floor ? backoff : floor;
    }

    private static string Describe(Exception ex) => ex switch
    {
        TaskCanceledException or TimeoutException => "the CRM did not answer in time",
        HttpRequestException http => $"connection to the CRM failed: {http.Message}",
        BrokenCircuitException => "circuit open: the CRM failed repeatedly",
        _ => ex.Message,
    };
}
