using Dapper;
using Npgsql;

namespace LeadPlatform.Notifications;

/// <summary>
/// The state of each notification email, per (lead, integration): what an operator reads to see that an email is
/// being retried or has failed, as they read a lead's deliveries. Holds counts and SMTP replies, never the email.
/// </summary>
public sealed class NotificationDeliveries(NpgsqlDataSource dataSource)
{
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Failed = "failed";

    /// <summary>One email's state; <see cref="UpdatedAt"/> is UTC (timestamptz, as Npgsql reads it).</summary>
    public sealed record Row(Guid LeadId, string IntegrationId, string State, int Attempts, int Recipients, string? LastError, DateTime UpdatedAt);

    public async Task RecordAsync(Guid leadId, string integrationId, string state, int recipients, string? lastError, CancellationToken ct)
    {
        const string sql = """
            insert into notifications.delivery (lead_id, integration_id, state, attempts, recipients, last_error)
            values (@leadId, @integrationId, @state, 1, @recipients, @lastError)
            on conflict (lead_id, integration_id) do update
               set state = excluded.state, attempts = delivery.attempts + 1, recipients = excluded.recipients,
                   last_error = excluded.last_error, updated_at = now()
             where delivery.state <> 'sent'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, integrationId, state, recipients, lastError }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Row>> ListAsync(Guid? leadId, string? state, int limit, CancellationToken ct)
    {
        const string sql = """
            select lead_id as LeadId, integration_id as IntegrationId, state as State, attempts as Attempts,
                   recipients as Recipients, last_error as LastError, updated_at as UpdatedAt
              from notifications.delivery
             where (@leadId::uuid is null or lead_id = @leadId) and (@state::text is null or state = @state)
             order by updated_at desc
             limit @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(sql, new { leadId, state, limit }, cancellationToken: ct))).ToList();
    }
}
