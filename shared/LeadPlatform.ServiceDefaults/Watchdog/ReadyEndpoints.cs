using System.Collections.Concurrent;
using MassTransit;

namespace LeadPlatform.ServiceDefaults.Watchdog;

/// <summary>
/// The queues of the receive endpoints MassTransit last reported consuming (ready, and not stopping or faulted since).
/// An endpoint that reconnects after an outage reports faulted and then ready again; one that never hears that its
/// channel died stays "ready" here while nothing consumes its queue, which is what the watchdog looks for.
/// </summary>
public sealed class ReadyEndpoints : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<string, byte> _queues = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Queues => _queues.Keys.ToList();

    public Task Ready(ReceiveEndpointReady ready)
    {
        _queues.TryAdd(QueueName(ready.InputAddress), 0);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Drop(stopping.InputAddress);

    public Task Completed(ReceiveEndpointCompleted completed) => Drop(completed.InputAddress);

    public Task Faulted(ReceiveEndpointFaulted faulted) => Drop(faulted.InputAddress);

    private Task Drop(Uri inputAddress)
    {
        _queues.TryRemove(QueueName(inputAddress), out _);
        return Task.CompletedTask;
    }

    /// <summary>rabbitmq://host:port/vhost/queue-name?bind=... names its queue in the last path segment.</summary>
    public static string QueueName(Uri inputAddress) => Uri.UnescapeDataString(inputAddress.AbsolutePath.Split('/').Last());
}
