using Dapper;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.Integrations.Secrets;

/// <summary>
/// At start-up, after the migrations and before anything reads credentials, one service at a time: makes sure the key
/// ring has a key to use (so services starting together don't each create their own), then encrypts any credentials
/// still stored in plain text. A missing or short <c>DataProtection:Key</c> stops the service here.
/// </summary>
internal sealed class CredentialEncryptionStartup(
    NpgsqlDataSource dataSource, IKeyManager keys, IntegrationStore store, TimeProvider clock, ILogger<CredentialEncryptionStartup> logger)
    : IHostedLifecycleService
{
    private const long LockId = 7340022;
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("select pg_advisory_lock(@LockId)", new { LockId });
        try
        {
            var now = clock.GetUtcNow();
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(14)))
            {
                keys.CreateNewKey(now, now + KeyLifetime);
                logger.LogInformation("Created a Data Protection key for credentials at rest");
            }
            var encrypted = await store.ProtectPlainCredentialsAsync(cancellationToken);
            if (encrypted > 0)
            {
                logger.LogInformation("Encrypted the plain-text credentials of {Count} integrations", encrypted);
            }
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@LockId)", new { LockId });
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
