using System.Collections.Concurrent;
using System.Threading.Channels;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Connectors;

/// <summary>
/// Publishes each transition of this instance's circuit breakers as <see cref="CrmCircuitChanged"/>, so the operator
/// overview (ingestion records them) shows every instance's breakers, not one process's memory. Transitions are queued
/// and published off the delivery path: a breaker opening never waits for the broker; a failed publish is retried.
/// A breaker that is not closed is reported again every <see cref="ConnectorOptions.CircuitReportInterval"/>: an
/// instance killed with its breaker open sends nothing more, and ingestion then leaves that breaker out.
/// </summary>
public sealed class CircuitReports(IBus bus, IOptions<ConnectorOptions> options, TimeProvider clock, ILogger<CircuitReports> logger)
    : BackgroundService
{
    public const string Open = "open";
    public const string HalfOpen = "half-open";
    public const string Closed = "closed";
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private readonly Channel<CrmCircuitChanged> _pending = Channel.CreateUnbounded<CrmCircuitChanged>(new() { SingleReader = true });
    private readonly ConcurrentDictionary<string, CrmCircuitChanged> _notClosed = new();

    /// <summary>This process's connector (host, process id and a per-start suffix: in-process test hosts share a pid).</summary>
    public string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A zero interval turns the repeats off (the breakers then count as an instance's that does not repeat).</summary>
    private bool Repeats => options.Value.CircuitReportInterval > TimeSpan.Zero;

    public void Report(string integrationId, string state)
    {
        var change = new CrmCircuitChanged
        {
            Crm = options.Value.Crm, IntegrationId = integrationId, Instance = Instance, State = state, ChangedAt = clock.GetUtcNow(),
            ReportEverySeconds = Repeats ? (int)Math.Ceiling(options.Value.CircuitReportInterval.TotalSeconds) : null,
        };
        if (state == Closed)
        {
            _notClosed.TryRemove(integrationId, out _);
        }
        else
        {
            _notClosed[integrationId] = change;
        }
        _pending.Writer.TryWrite(change);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            _ = RepeatNotClosedAsync(stoppingToken);
            await foreach (var change in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                while (!await TryPublishAsync(change, stoppingToken))
                {
                    await Task.Delay(RetryAfter, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: an unpublished transition is lost with the breaker it describes.
        }
    }

    /// <summary>The same change again (same time): ingestion takes it as a sign of life, never as a new transition.</summary>
    private async Task RepeatNotClosedAsync(CancellationToken ct)
    {
        if (!Repeats)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.CircuitReportInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var change in _notClosed.Values)
                {
                    _pending.Writer.TryWrite(change);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> TryPublishAsync(CrmCircuitChanged change, CancellationToken ct)
    {
        try
        {
            await bus.PublishBoundedAsync(change, ct);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Circuit {State} of integration {IntegrationId} not yet reported: {Error}", change.State, change.IntegrationId, ex.GetType().Name);
            return false;
        }
    }
}
