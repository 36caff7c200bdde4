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
/// The same wedge can leave publishing dead while nothing waits in the service's queues (every message consumed, only
/// outcomes left to send): so the service also stops when <see cref="PublishHealth"/> says its publishes are wedged in
/// two rounds running while the broker answers the watchdog's own connection.
/// </summary>
public sealed class ConsumeWatchdog(ReadyEndpoints endpoints, PublishHealth publishes, RabbitMqAddress broker, IOptions<ConsumeWatchdogOptions> options,
    IHostApplicationLifetime lifetime, IHostEnvironment environment, ILogger<ConsumeWatchdog> logger) : BackgroundService
{
    /// <summary>EX_TEMPFAIL: a supervisor restarts the process; the exit says it was not a crash of the code.</summary>
    public const int ExitCode = 75;

    private static readonly TimeSpan HardStopAfter = TimeSpan.FromSeconds(10);

    private readonly QueueStalls _stalls = new(options.Value.Grace);
    private IConnection? _connection;
    private int _publishWedgedRounds;
    private DateTimeOffset? _brokerAnsweringSince;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var brokerAnswered = await ObserveAsync(stoppingToken);
            var now = DateTimeOffset.UtcNow;
            if (_stalls.StalledLongerThanGrace(now) is { } queue)
            {
                logger.LogCritical(
                    "Queue {Queue} has held messages with no consumer for {Grace} while this service believes it consumes it: its broker client is wedged; stopping so the supervisor restarts it",
                    queue, options.Value.Grace);
                StopForRestart($"finding queue {queue} abandoned");
                return;
            }
            _brokerAnsweringSince = brokerAnswered ? _brokerAnsweringSince ?? now : null;
            _publishWedgedRounds = _brokerAnsweringSince is { } since && publishes.Wedged(now, since) ? _publishWedgedRounds + 1 : 0;
            if (_publishWedgedRounds >= 2)
            {
                logger.LogCritical(
                    "This service's publishes have stalled past their time limit while the broker answers: its broker client is wedged; stopping so the supervisor restarts it");
                StopForRestart("finding its publishes wedged");
                return;
            }
        }
    }

    private void StopForRestart(string finding)
    {
        Environment.ExitCode = ExitCode;
        lifetime.StopApplication();
        // The graceful stop waits on the same wedged consumers until the host's shutdown timeout; state lives in
        // the database and the broker (a SIGKILL loses nothing), so the process ends itself sooner.
        _ = Task.Delay(HardStopAfter, lifetime.ApplicationStopped).ContinueWith(waited =>
        {
            if (!waited.IsCanceled)
            {
                Environment.FailFast($"Consume watchdog: not stopped {HardStopAfter.TotalSeconds:0} s after {finding}");
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Asks the broker about every watched queue; false when it could not be asked.</summary>
    private async Task<bool> ObserveAsync(CancellationToken ct)
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
            if (queues.Count == 0)
            {
                // Nothing consumed here to ask about: whether the broker answers at all is what the publish check needs.
                await using var channel = await _connection.CreateChannelAsync(cancellationToken: round.Token);
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The broker away (or the watchdog's own connection broken): no evidence about any queue.
            _stalls.Clear();
            await CloseAsync();
            logger.LogDebug("Consume watchdog could not ask the broker ({Error})", ex.GetType().Name);
            return false;
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
