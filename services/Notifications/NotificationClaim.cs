using Dapper;
using Npgsql;

namespace LeadPlatform.Notifications;

/// <summary>
/// The right to send one (lead, integration)'s notification email, held while it is sent: a transaction holding that
/// pair's advisory lock. An instance handling a duplicate <c>LeadDelivered</c> at the same time waits for the lock, then
/// finds the email recorded as sent. Disposed without <see cref="RecordSentAsync"/> (the send failed, the instance
/// died), the transaction rolls back and the lock is free for the retry.
/// </summary>
public sealed class NotificationClaim : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly Guid _leadId;
    private readonly string _integrationId;

    private NotificationClaim(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid leadId, string integrationId, bool alreadySent)
    {
        _connection = connection;
        _transaction = transaction;
        _leadId = leadId;
        _integrationId = integrationId;
        AlreadySent = alreadySent;
    }

    /// <summary>Sent before (by this or another instance): nothing to do.</summary>
    public bool AlreadySent { get; }

    public static async Task<NotificationClaim> TakeAsync(NpgsqlDataSource dataSource, Guid leadId, string integrationId, CancellationToken ct)
    {
        // Two int keys: a key space of their own, apart from the bigint keys of migrations and sweeps.
        const string lockSql = "select pg_advisory_xact_lock(hashtext('notifications.sent'), hashtext(@leadId::text || '/' || @integrationId))";
        const string sentSql = "select exists (select 1 from notifications.sent where lead_id = @leadId and integration_id = @integrationId)";
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(lockSql, new { leadId, integrationId }, transaction, cancellationToken: ct));
            var sent = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sentSql, new { leadId, integrationId }, transaction, cancellationToken: ct));
            return new NotificationClaim(connection, transaction, leadId, integrationId, sent);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Records the email as sent and lets the lock go.</summary>
    public async Task RecordSentAsync(int recipients, string messageId, CancellationToken ct)
    {
        const string sql = """
            insert into notifications.sent (lead_id, integration_id, recipients, message_id)
            values (@leadId, @integrationId, @recipients, @messageId)
            on conflict (lead_id, integration_id) do nothing
            """;
        await _connection.ExecuteAsync(new CommandDefinition(sql, new { leadId = _leadId, integrationId = _integrationId, recipients, messageId },
            _transaction, cancellationToken: ct));
        await _transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
