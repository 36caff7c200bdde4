using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.Integrations;

/// <summary>
/// Holds one connection on <c>LISTEN integrations_changed</c> (the catalog's trigger, 0200) and drops this instance's
/// integration snapshot on each notification, so an edit made through any instance is acted on everywhere at once.
/// While it is not connected the store falls back to a short expiry; it reconnects on its own.
/// </summary>
public sealed class IntegrationChangeListener(NpgsqlDataSource dataSource, IntegrationStore store, ILogger<IntegrationChangeListener> logger)
    : BackgroundService
{
    public const string Channel = "integrations_changed";
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Not hearing integration changes ({Error}); integrations are cached for {Seconds} s until it reconnects",
                    ex.GetType().Name, IntegrationStore.UnheardFor.TotalSeconds);
            }
            finally
            {
                store.Listening(false);
            }
            try
            {
                await Task.Delay(Reconnect, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, _) => store.Changed();
        await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        // From here on no change goes unheard; what changed before is dropped with the snapshot.
        store.Listening(true);
        try
        {
            while (true)
            {
                if (!await connection.WaitAsync(Probe, ct))
                {
                    // Quiet for a while: make sure the connection is still there (a dead one never wakes WaitAsync).
                    await using var probe = new NpgsqlCommand("select 1", connection);
                    await probe.ExecuteScalarAsync(ct);
                }
            }
        }
        finally
        {
            // Pooled connections are not reset when returned: leave none listening.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await using var unlisten = new NpgsqlCommand("unlisten *", connection);
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    // A broken connection is not reused by the pool anyway.
                }
            }
        }
    }
}
