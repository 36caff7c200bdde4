using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion;

/// <summary>
/// Publishes committed outbox rows with publisher confirms, oldest first. Wakes at once on a commit
/// (<see cref="OutboxSignal"/>) and at least every second otherwise. Rows are locked with SKIP LOCKED while being
/// published, so several relays share the work without publishing a row twice; a row whose publish was not
/// confirmed stays and is published when the broker answers again.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, OutboxSignal signal, IConfiguration configuration, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 200;
    /// <summary>
    /// While the broker is away MassTransit's publish waits for it; bounding the wait keeps the claiming
    /// transaction (and its row locks) from staying open for the whole outage. The rows are simply claimed again.
    /// </summary>
    private TimeSpan PublishTimeout => configuration.GetValue("Outbox:PublishTimeout", TimeSpan.FromSeconds(30));
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private static readonly Dictionary<string, Type> MessageTypes = new()
    {
        [nameof(LeadConverted)] = typeof(LeadConverted),
        [nameof(LeadUpdated)] = typeof(LeadUpdated),
    };

    private sealed record Row(long Id, Guid MessageId, string MessageType, string Payload, string? TraceParent);

    /// <summary>
    /// Relay passes that may run at once. A pass holds its rows until the broker confirmed them; meanwhile the next
    /// commit's rows are taken by another pass instead of waiting for this one (which set the relay's latency).
    /// </summary>
    private int Passes => configuration.GetValue("Outbox:ConcurrentPasses", 4);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Passes).Select(_ => RelayAsync(stoppingToken)));

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishBatchAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Outbox relay could not publish ({Message}); retrying", ex.Message);
                await Task.Delay(IdlePoll, stoppingToken);
            }
            await signal.WaitAsync(IdlePoll, stoppingToken);
        }
    }

    public async Task<int> PublishBatchAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string claim = """
            select id, message_id as MessageId, message_type as MessageType, payload::text as Payload, trace_parent as TraceParent
              from ingestion.outbox
             where published_at is null
             order by id
             limit @BatchSize
               for update skip locked
            """;
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(claim, new { BatchSize }, tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            bounded.CancelAfter(PublishTimeout);
            await Task.WhenAll(rows.Select(row => PublishAsync(row, bounded.Token)));
        }

        const string done = "update ingestion.outbox set published_at = now() where id = any(@ids)";
        await connection.ExecuteAsync(new CommandDefinition(done, new { ids = rows.Select(r => r.Id).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task PublishAsync(Row row, CancellationToken ct)
    {
        var type = MessageTypes[row.MessageType];
        var message = JsonSerializer.Deserialize(row.Payload, type, JsonDefaults.Options)!;
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = LeadPlatformTelemetry.Source.StartActivity("outbox relay", ActivityKind.Producer, parent);
        if (message is LeadConverted converted)
        {
            activity?.SetTag("lead.id", converted.LeadId);
            activity?.SetTag("lead.source", converted.Lead.Source);
            activity?.SetTag("account.id", converted.Lead.AccountId);
        }
        await bus.Publish(message, type, ctx => ctx.MessageId = row.MessageId, ct);
    }
}
