using Microsoft.Extensions.Logging;

namespace LeadPlatform.Connectors;

/// <summary>
/// Renews a claimed delivery's lease while its worker is busy (a slow CRM with several calls per delivery can
/// take longer than one lease), so only a worker that died loses its claim. If the lease is lost anyway, the
/// work is cancelled: whoever took it over owns the delivery now.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public CancellationToken Token => _stop.Token;

    public LeaseKeeper(DeliveryLedger ledger, LedgerEntry entry, TimeSpan lease, ILogger logger, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = RenewAsync(ledger, entry, lease, logger);
    }

    private async Task RenewAsync(DeliveryLedger ledger, LedgerEntry entry, TimeSpan lease, ILogger logger)
    {
        // Every delivery ends by stopping this loop, so stopping must not throw: an exception per delivery (a
        // PeriodicTimer's cancellation renders its stack trace) was a tenth of the connector's CPU.
        while (true)
        {
            await Task.Delay(lease / 3, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            try
            {
                if (!await ledger.RenewLeaseAsync(entry, lease, _stop.Token))
                {
                    logger.LogWarning("Lost the lease of lead {LeadId} to {IntegrationId}; stopping", entry.LeadId, entry.IntegrationId);
                    await _stop.CancelAsync();
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is unreachable: keep working; if the lease runs out, the finishing update says so.
                logger.LogWarning(ex, "Could not renew the lease of lead {LeadId} to {IntegrationId}", entry.LeadId, entry.IntegrationId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
