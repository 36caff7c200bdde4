using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace LeadPlatform.ServiceDefaults.Watchdog;

/// <summary>
/// Stops the service when a queue it believes it consumes has held messages with no consumer for the grace period,
/// so its supervisor (Kubernetes, Compose's restart policy, the fault rig) starts it afresh.
/// Why: RabbitMQ.Client 7.2 can deadlock a connection's shutdown when its socket dies under load (the write loop
/// crashes, writers block on its full frame queue, one of them holding the publisher-confirm lock the channel
/// shutdown waits for; rabbitmq-dotnet-client#1930, fixed upstream after 7.2.2). The consumers never hear that their
/// channels closed, so MassTransit keeps waiting on them and never reconnects those receive endpoints, while the rest
/// of the service (HTTP, publishing on a new connection) looks healthy. Nothing in the process can tell; the broker can.
/// </summary>
public sealed class ConsumeWatchdog(ReadyEndpoints endpoints, RabbitMqAddress broker, IOptions<ConsumeWatchdogOptions> options,
    IHostApplicationLifetime lifetime, IHostEnvironment environment, ILogger<ConsumeWatchdog> logger) : BackgroundService
{
    /// <summary>EX_TEMPFAIL: a supervisor restarts the process; the exit says it was not a crash of the code.</summary>
    public const int ExitCode = 75;

    private static readonly TimeSpan HardStopAfter = TimeSpan.FromSeconds(10);

    private readonly QueueStalls _stalls = new(options.Value.Grace);
    private IConnection? _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ObserveAsync(stoppingToken);
            if (_stalls.StalledLongerThanGrace(DateTimeOffset.UtcNow) is { } queue)
            {
                logger.LogCritical(
                    "Queue {Queue} has held messages with no consumer for {Grace} while this service believes it consumes it: its broker client is wedged; stopping so the supervisor restarts it",
                    queue, options.Value.Grace);
                Environment.ExitCode = ExitCode;
                lifetime.StopApplication();
                // The graceful stop waits on the same wedged consumers until the host's shutdown timeout; state lives in
                // the database and the broker (a SIGKILL loses nothing), so the process ends itself sooner.
                _ = Task.Delay(HardStopAfter, lifetime.ApplicationStopped).ContinueWith(waited =>
                {
                    if (!waited.IsCanceled)
                    {
                        Environment.FailFast($"Consume watchdog: not stopped {HardStopAfter.TotalSeconds:0} s after finding queue {queue} abandoned");
                    }
                }, TaskScheduler.Default);
                return;
            }
        }
    }

    private async Task ObserveAsync(CancellationToken ct)
    {
        var queues = endpoints.Queues;
        _stalls.Retain(queues);
        // A round never outlasts two intervals, whatever the broker does.
        using var round = CancellationTokenSource.CreateLinkedTokenSource(ct);
        round.CancelAfter(options.Value.Interval * 2);
        try
        {
            _connection ??= await broker.OpenConnectionAsync($"{environment.ApplicationName} consume watchdog", round.Token);
            var now = DateTimeOffset.UtcNow;
            foreach (var queue in queues)
            {
                if (await StateAsync(_connection, queue, round.Token) is { } state)
                {
                    _stalls.Observe(queue, state, now);
                }
                else
                {
                    _stalls.Forget(queue);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The broker away (or the watchdog's own connection broken): no evidence about any queue.
            _stalls.Clear();
            await CloseAsync();
            logger.LogDebug("Consume watchdog could not ask the broker ({Error})", ex.GetType().Name);
        }
    }

    /// <summary>
    /// The queue's messages and consumers; null when the broker will not say (a temporary queue it removed, or one
    /// exclusive to the bus's own connection): no evidence about that queue.
    /// </summary>
    private static async Task<QueueState?> StateAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, ct);
            return new QueueState(ok.MessageCount, ok.ConsumerCount);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode is 404 or 405)
        {
            return null;
        }
    }

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception)
            {
                // Already broken: nothing to close.
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await CloseAsync();
    }
}
