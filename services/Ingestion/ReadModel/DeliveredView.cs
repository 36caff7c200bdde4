using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Marks deliveries delivered in the lead's delivery view. Outcomes consumed together share one statement and one
/// commit; each consumer's await (and so its acknowledgement) waits for its own row to be durable. Nobody waits on
/// this view but readers of a lead's deliveries, so each batch stays open 20 ms for more outcomes.
/// </summary>
public sealed class DeliveredView(NpgsqlDataSource dataSource)
{
    private readonly GroupCommit<LeadDelivered, bool> _writes = new(async (delivered, ct) =>
    {
        const string sql = """
            update ingestion.lead_delivery d
               set state = 'delivered', attempts = m.attempts, record_ids = m.record_ids::jsonb, outcome = m.outcome,
                   last_error = null, failed_at = null, updated_at = now()
              from unnest(@leadIds, @integrationIds, @attempts, @recordIds, @outcomes) as m(lead_id, integration_id, attempts, record_ids, outcome)
             where d.lead_id = m.lead_id and d.integration_id = m.integration_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadIds = delivered.Select(m => m.LeadId).ToArray(),
            integrationIds = delivered.Select(m => m.IntegrationId).ToArray(),
            attempts = delivered.Select(m => m.Attempts).ToArray(),
            recordIds = delivered.Select(m => JsonSerializer.Serialize(m.RecordIds, PlatformJson.Options)).ToArray(),
            outcomes = delivered.Select(m => m.Outcome).ToArray(),
        }, cancellationToken: ct));
        return delivered.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(20));

    public Task RecordAsync(LeadDelivered delivered, CancellationToken ct) => _writes.WriteAsync(delivered, ct);
}
