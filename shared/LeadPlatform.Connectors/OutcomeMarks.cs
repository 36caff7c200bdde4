using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// Records in the ledger that outcome events left, in batches: one statement for every delivery finished while the
/// previous batch was written, instead of a transaction per delivery. A mark lost to a crash or a database outage
/// only means the scheduled retries publish that outcome again, and its consumers drop the duplicate.
/// </summary>
public sealed class OutcomeMarks(NpgsqlDataSource dataSource, ILogger<OutcomeMarks> logger) : BackgroundService
{
    private const int MaxBatch = 1000;
    private readonly Channel<(Guid LeadId, string IntegrationId)> _pending = Channel.CreateUnbounded<(Guid, string)>();

    public void Add(Guid leadId, string integrationId) => _pending.Writer.TryWrite((leadId, integrationId));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(Guid LeadId, string IntegrationId)>();
        while (await _pending.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var mark))
            {
                batch.Add(mark);
            }
            try
            {
                await WriteAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not mark {Count} outcome(s) as published ({Message}); they will be published again", batch.Count, ex.Message);
            }
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<(Guid LeadId, string IntegrationId)> batch, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger l set outcome_published_at = now()
              from unnest(@leadIds, @integrationIds) as m(lead_id, integration_id)
             where l.lead_id = m.lead_id and l.integration_id = m.integration_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadIds = batch.Select(m => m.LeadId).ToArray(),
            integrationIds = batch.Select(m => m.IntegrationId).ToArray(),
        }, cancellationToken: ct));
    }
}
