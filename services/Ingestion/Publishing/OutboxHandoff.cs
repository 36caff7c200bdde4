using System.Threading.Channels;

namespace LeadPlatform.Ingestion.Publishing;

/// <summary>An outbox row this instance has just committed, its message still in memory.</summary>
public sealed record OutboxEntry(Guid MessageId, object Message, string? TraceParent)
{
    public DateTime CommittedAt { get; } = DateTime.UtcNow;
}

/// <summary>
/// Hands outbox rows to this instance's relay once their transaction committed, so the relay publishes them at once
/// without reading them back (and without NOTIFY: a transaction that notifies takes a cluster-wide lock held until
/// its commit is flushed, which would serialize every intake commit). Rows whose instance died before publishing
/// them are found by the relay's poll.
/// </summary>
public sealed class OutboxHandoff
{
    private readonly Channel<OutboxEntry> _committed = Channel.CreateUnbounded<OutboxEntry>();

    public void Add(OutboxEntry entry) => _committed.Writer.TryWrite(entry);

    public ChannelReader<OutboxEntry> Committed => _committed.Reader;
}
