using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.Publishing;

/// <summary>
/// Publishes committed outbox rows with publisher confirms. The rows this instance committed arrive in memory
/// (<see cref="OutboxHandoff"/>): they are published at once, without reading them back, and marked published a
/// little later, many rows per statement. Rows left over (their instance died, or their
/// publish failed) are found by a poll every second once they are older than <see cref="LeftoverAge"/>, claimed
/// with SKIP LOCKED so several relays share them, and published in a transaction that marks them.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, OutboxHandoff handoff, IntegrationStore integrations,
    IConfiguration configuration, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private static readonly Dictionary<string, Type> MessageTypes = new()
    {
        [nameof(LeadConverted)] = typeof(LeadConverted),
        [nameof(LeadUpdated)] = typeof(LeadUpdated),
    };

    /// <summary>
    /// While the broker is away MassTransit's publish waits for it; bounding the wait keeps the claiming
    /// transaction (and its row locks) from staying open for the whole outage. The rows are simply claimed again.
    /// </summary>
    private TimeSpan PublishTimeout => configuration.GetValue("Outbox:PublishTimeout", TimeSpan.FromSeconds(30));

    /// <summary>
    /// A handed-off row is taken from memory only while younger than this, and its publish gets as long again; the
    /// poll takes rows older than both (and the marks' lag). So a row is published by one path, not both, unless
    /// marking it is slower than that (then it is published twice, and its consumers drop the repeat by message id
    /// and ledger).
    /// </summary>
    private static readonly TimeSpan HandoffTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeftoverAge = 2 * HandoffTimeout + TimeSpan.FromSeconds(1); // + the marks' lag

    /// <summary>
    /// Handed-off batches published at once: while one waits for the broker's confirms, the next commit's rows go
    /// with another instead of waiting for it.
    /// </summary>
    private int Passes => configuration.GetValue("Outbox:ConcurrentPasses", 4);

    private sealed record Row(long Id, Guid MessageId, string MessageType, string Payload, string? TraceParent);

    /// <summary>
    /// Published marks of handed-off rows. Nothing waits for them (the message has left), so they are gathered for
    /// 100 ms into one statement. A lost mark only means the poll publishes the row again, and its consumers drop the
    /// repeat (message id, ledger).
    /// </summary>
    private readonly GroupCommit<(Guid MessageId, DateTime PublishedAt), bool> _published = new(async (marks, ct) =>
    {
        const string sql = """
            update ingestion.outbox o set published_at = m.published_at
              from unnest(@messageIds, @publishedAts) as m(message_id, published_at)
             where o.message_id = m.message_id and o.published_at is null
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            messageIds = marks.Select(m => m.MessageId).ToArray(),
            publishedAts = marks.Select(m => m.PublishedAt).ToArray(),
        }, cancellationToken: ct));
        return marks.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(100), name: "outbox_published");

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RelayHandedOffAsync(stoppingToken), RelayLeftoversAsync(stoppingToken));

    /// <summary>One reader (one wake-up per commit), up to <see cref="Passes"/> batches awaiting confirms at once.</summary>
    private async Task RelayHandedOffAsync(CancellationToken stoppingToken)
    {
        var committed = handoff.Committed;
        var passes = new SemaphoreSlim(Passes);
        while (await committed.WaitToReadAsync(stoppingToken))
        {
            await passes.WaitAsync(stoppingToken);
            var batch = new List<OutboxEntry>();
            while (batch.Count < BatchSize && committed.TryRead(out var entry))
            {
                if (DateTime.UtcNow - entry.CommittedAt < HandoffTimeout)
                {
                    batch.Add(entry);
                }
            }
            _ = RelayAsync(batch, stoppingToken).ContinueWith(_ => passes.Release(), TaskScheduler.Default);
        }
    }

    private async Task RelayAsync(List<OutboxEntry> batch, CancellationToken stoppingToken)
    {
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            await PublishAllAsync(batch, HandoffTimeout, stoppingToken);
            var publishedAt = DateTime.UtcNow;
            _ = Task.WhenAll(batch.Select(e => _published.WriteAsync((e.MessageId, publishedAt), CancellationToken.None))).ContinueWith(
                t => logger.LogWarning("Could not mark {Count} outbox rows published ({Message}); the poll publishes them again",
                    batch.Count, t.Exception?.GetBaseException().Message),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Outbox relay could not publish {Count} committed messages ({Message}); the poll publishes them", batch.Count, ex.Message);
        }
    }

    private async Task RelayLeftoversAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishLeftoversAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Outbox relay could not publish ({Message}); retrying", ex.Message);
            }
            await Task.Delay(IdlePoll, stoppingToken);
        }
    }

    private async Task<int> PublishLeftoversAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string claim = """
            select id, message_id as MessageId, message_type as MessageType, payload::text as Payload, trace_parent as TraceParent
              from ingestion.outbox
             where published_at is null and created_at < now() - @LeftoverAge
             order by id
             limit @BatchSize
               for update skip locked
            """;
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(claim, new { BatchSize, LeftoverAge }, tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }
        var entries = rows.Select(r => new OutboxEntry(r.MessageId,
            JsonSerializer.Deserialize(r.Payload, MessageTypes[r.MessageType], PlatformJson.Options)!, r.TraceParent)).ToList();
        await PublishAllAsync(entries, PublishTimeout, ct);

        const string done = "update ingestion.outbox set published_at = now() where id = any(@ids)";
        await connection.ExecuteAsync(new CommandDefinition(done, new { ids = rows.Select(r => r.Id).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task PublishAllAsync(IReadOnlyList<OutboxEntry> entries, TimeSpan timeout, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        await Task.WhenAll(entries.Select(entry => PublishAsync(entry, bounded.Token)));
    }

    private async Task PublishAsync(OutboxEntry entry, CancellationToken ct)
    {
        ActivityContext.TryParse(entry.TraceParent, null, out var parent);
        using var activity = LeadPlatformTelemetry.Source.StartActivity("outbox relay", ActivityKind.Producer, parent);
        if (entry.Message is LeadConverted converted && activity.IfRecorded() is { } span)
        {
            span.SetTag(LeadTags.LeadId, converted.LeadId);
            span.SetTag(LeadTags.Source, converted.Lead.Source);
            span.SetTag(LeadTags.AccountId, converted.Lead.AccountId);
        }
        var routingKey = entry.Message switch
        {
            LeadConverted m => NotificationRoute.LeadKey(m.Deliveries,
                await NotificationSettings.MayNotifyAsync(integrations, m.Deliveries.Select(d => d.IntegrationId), ct)),
            LeadUpdated m => CrmRoute.RoutingKey(m.Deliveries),
            _ => "",
        };
        await bus.Publish(entry.Message, entry.Message.GetType(), ctx =>
        {
            ctx.MessageId = entry.MessageId;
            // Only the planned CRMs' connectors take it (CrmRoute), and notifications only when someone is to be told
            // (NotificationRoute); the fanout exchange ignores the key for everyone else.
            ctx.SetRoutingKey(routingKey);
        }, ct);
    }
}
