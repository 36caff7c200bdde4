namespace LeadPlatform.Ingestion;

/// <summary>
/// Wakes this instance's outbox relay after a commit that wrote outbox rows. In process rather than by
/// PostgreSQL's NOTIFY: a transaction that notifies takes a cluster-wide lock held until its commit is flushed,
/// which would serialize every intake commit behind one another's fsync. Each ingestion instance relays its own
/// commits at once; the relay's periodic poll picks up anything left (a crash between commit and publish).
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the relay's next pass takes this commit's rows too.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
