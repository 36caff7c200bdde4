using Dapper;
using LeadPlatform.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// Replays a failed delivery (<see cref="ReplayDelivery"/>), on queue <c>delivery-replay</c> that every connector
/// shares (the ledger is the pipeline's). The row only goes back to <c>retry_scheduled</c>, due now, keeping its
/// attempts: the CRM's scheduled retries then claim it under their lease and deliver it once, looking it up first when
/// an earlier try may have created it. A row that is not failed (already replayed, delivered) or was purged is left
/// alone, so a repeated request changes nothing.
/// </summary>
public sealed class LedgerReplayConsumer(NpgsqlDataSource dataSource, ILogger<LedgerReplayConsumer> logger) : IConsumer<ReplayDelivery>
{
    public const string Queue = "delivery-replay";

    public async Task Consume(ConsumeContext<ReplayDelivery> context)
    {
        const string sql = """
            update delivery.ledger
               set state = 'retry_scheduled', next_attempt_at = now(), finished_at = null, outcome_published_at = null, updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and state = 'failed' and purged_at is null
            """;
        var m = context.Message;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var replayed = await connection.ExecuteAsync(new CommandDefinition(sql, new { m.LeadId, m.IntegrationId }, cancellationToken: context.CancellationToken));
        if (replayed == 0)
        {
            logger.LogInformation("Replay of lead {LeadId} to {IntegrationId} ignored: the delivery is not failed", m.LeadId, m.IntegrationId);
        }
    }
}
