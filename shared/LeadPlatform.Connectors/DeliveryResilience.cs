using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;

namespace LeadPlatform.Connectors;

/// <summary>
/// In-memory retries with exponential backoff and jitter (honouring a short Retry-After) around a circuit
/// breaker of each integration's own, so one CRM that is down is not hammered and does not slow the others. Each
/// transition of a breaker is reported (<see cref="CircuitReports"/>) for the operator overview.
/// </summary>
public sealed class DeliveryResilience(IOptions<ConnectorOptions> options, CircuitReports reports)
{
    private readonly ConnectorOptions _options = options.Value;
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public ResiliencePipeline For(string integrationId) =>
        _registry.GetOrAddPipeline(integrationId, builder => builder
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, _options.InMemoryAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.InMemoryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex) && !TooLongToWait(ex)),
                // The CRM's Retry-After, when it gave one, instead of our own backoff (never a negative wait).
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is CrmTransientException { RetryAfter: { } wait } ? (TimeSpan?)(wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : null),
                OnRetry = _ =>
                {
                    ConnectorMetrics.Retry(_options.Crm);
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = _options.CircuitBreakerFailures,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.CircuitBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex)),
                OnOpened = _ =>
                {
                    ConnectorMetrics.Circuit(_options.Crm, integrationId, open: true);
                    reports.Report(integrationId, CircuitReports.Open);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    reports.Report(integrationId, CircuitReports.HalfOpen);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    ConnectorMetrics.Circuit(_options.Crm, integrationId, open: false);
                    reports.Report(integrationId, CircuitReports.Closed);
                    return ValueTask.CompletedTask;
                },
            }));

    /// <summary>Worth trying again later: throttling, 5xx, time-outs, connection failures, an open circuit.</summary>
    public static bool IsTransient(Exception ex) => ex is CrmTransientException or HttpRequestException or TimeoutException
        or TaskCanceledException or BrokenCircuitException or Polly.Timeout.TimeoutRejectedException;

    private bool TooLongToWait(Exception ex) =>
        ex is BrokenCircuitException || ex is CrmTransientException { RetryAfter: { } wait } && wait > _options.MaxInMemoryWait;
}
