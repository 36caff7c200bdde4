using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.Webhooks;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Marks deliveries delivered in the lead's delivery view and writes their <c>lead.delivered</c> webhook deliveries in
/// the same round trip and transaction (a second queue for the webhooks cost a broker write, a delivery and a consume
/// per lead). Outcomes consumed together share the statements and one commit; each consumer's await (and so its
/// acknowledgement) waits for its own row to be durable. Nobody waits on this view but readers of a lead's deliveries,
/// so each batch stays open 20 ms for more outcomes.
/// </summary>
public sealed class DeliveredView(NpgsqlDataSource dataSource)
{
    private const string MarkDeliveredSql = """
        update ingestion.lead_delivery d
           set state = 'delivered', attempts = m.attempts, record_ids = m.record_ids::jsonb, outcome = m.outcome,
               last_error = null, failed_at = null, updated_at = now()
          from unnest(@leadIds, @integrationIds, @attempts, @recordIds, @outcomes) as m(lead_id, integration_id, attempts, record_ids, outcome)
         where d.lead_id = m.lead_id and d.integration_id = m.integration_id
        """;

    private sealed record Outcome(LeadDelivered Delivered, WebhookEventLog.Event Event);

    private readonly GroupCommit<Outcome, bool> _writes = new(async (outcomes, ct) =>
    {
        var delivered = outcomes.Select(o => o.Delivered).ToList();
        var args = new
        {
            leadIds = delivered.Select(m => m.LeadId).ToArray(),
            integrationIds = delivered.Select(m => m.IntegrationId).ToArray(),
            attempts = delivered.Select(m => m.Attempts).ToArray(),
            recordIds = delivered.Select(m => JsonSerializer.Serialize(m.RecordIds, PlatformJson.Options)).ToArray(),
            outcomes = delivered.Select(m => m.Outcome).ToArray(),
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(WebhookEventLog.Alongside(MarkDeliveredSql, args, outcomes.Select(o => o.Event).ToList(), ct));
        return outcomes.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(20), name: "delivery_view");

    public Task RecordAsync(ConsumeContext<LeadDelivered> context) =>
        _writes.WriteAsync(new Outcome(context.Message, OutcomeWebhookEvents.Delivered(context)), context.CancellationToken);
}
