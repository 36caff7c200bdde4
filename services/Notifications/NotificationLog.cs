using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Notifications;

/// <summary>Which notifications were sent, and the lead they are about.</summary>
public sealed class NotificationLog(NpgsqlDataSource dataSource)
{
    /// <summary>Holds the right to send (lead, integration)'s email until it is recorded as sent (<see cref="NotificationClaim"/>).</summary>
    public Task<NotificationClaim> ClaimAsync(Guid leadId, string integrationId, CancellationToken ct) =>
        NotificationClaim.TakeAsync(dataSource, leadId, integrationId, ct);

    public async Task RecordLeadAsync(Guid leadId, string convertedJson, CancellationToken ct)
    {
        const string sql = """
            insert into notifications.lead (lead_id, message)
            select @leadId, cast(@convertedJson as jsonb)
             where not exists (select 1 from notifications.erased_lead where lead_id = @leadId)
            on conflict (lead_id) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, convertedJson }, cancellationToken: ct));
    }

    /// <summary>
    /// The lead as it was converted, from this service's own copy (kept by <see cref="NotifiedLeadRecorder"/> from
    /// <c>LeadConverted</c>); null until that message has been consumed.
    /// </summary>
    public async Task<LeadConverted?> FindConvertedLeadAsync(Guid leadId, CancellationToken ct)
    {
        const string sql = "select message::text as Message from notifications.lead where lead_id = @leadId";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { leadId }, cancellationToken: ct));
        return json is null ? null : JsonSerializer.Deserialize<LeadConverted>(json, PlatformJson.Options);
    }
}
