using System.Security.Cryptography;
using Dapper;
using LeadPlatform.Integrations.Secrets;
using Npgsql;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>A subscription as the API shows it; its secret only once, in the answer that created it.</summary>
public sealed record WebhookSubscription(Guid Id, string Source, string Url, IReadOnlyList<string> EventTypes, DateTimeOffset CreatedAt)
{
    public string? Secret { get; init; }
}

/// <summary>One event for one subscription and how its sending went; the payload is what was (or will be) sent.</summary>
public sealed record WebhookDelivery
{
    public long Id { get; init; }
    public Guid EventId { get; init; }
    public string EventType { get; init; } = "";
    public Guid LeadId { get; init; }
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public DateTime NextAttemptAt { get; init; }
    public int? LastStatus { get; init; }
    public string? LastError { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DeliveredAt { get; init; }
}

/// <summary>
/// Subscriptions per source (<c>ingestion.webhook_subscription</c>) and their deliveries. Every read and change is by
/// source: a source never learns another's subscriptions, and an unknown id and another source's id look the same.
/// </summary>
public sealed class WebhookSubscriptions(NpgsqlDataSource dataSource, CredentialProtector protector)
{
    private sealed record Row
    {
        public Guid Id { get; init; }
        public string Source { get; init; } = "";
        public string Url { get; init; } = "";
        public string[] EventTypes { get; init; } = [];
        public DateTime CreatedAt { get; init; }

        public WebhookSubscription ToSubscription() => new(Id, Source, Url, EventTypes, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task<WebhookSubscription> CreateAsync(string source, string url, IReadOnlyList<string> eventTypes, CancellationToken ct)
    {
        const string sql = """
            insert into ingestion.webhook_subscription (id, source, url, event_types, secret) values (@id, @source, @url, @eventTypes, @secret)
            returning id, source, url, event_types as EventTypes, created_at as CreatedAt
            """;
        var secret = NewSecret();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(sql, new
        {
            id = Guid.CreateVersion7(), source = source.ToLowerInvariant(), url, eventTypes = eventTypes.Distinct().ToArray(),
            secret = protector.Protect(secret),
        }, cancellationToken: ct));
        return row.ToSubscription() with { Secret = secret };
    }

    /// <summary>The subscriptions of one source, or of every source (null: an operator).</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? source, CancellationToken ct)
    {
        const string sql = """
            select id, source, url, event_types as EventTypes, created_at as CreatedAt from ingestion.webhook_subscription
             where @source::text is null or source = lower(@source) order by created_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { source }, cancellationToken: ct));
        return rows.Select(r => r.ToSubscription()).ToList();
    }

    public async Task<WebhookSubscription?> FindAsync(Guid id, string? source, CancellationToken ct) =>
        (await ListAsync(source, ct)).FirstOrDefault(s => s.Id == id);

    public async Task<bool> DeleteAsync(Guid id, string? source, CancellationToken ct)
    {
        const string sql = "delete from ingestion.webhook_subscription where id = @id and (@source::text is null or source = lower(@source))";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, source }, cancellationToken: ct)) > 0;
    }

    /// <summary>The newest deliveries of a subscription (found for the caller's source first).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid subscriptionId, int limit, CancellationToken ct)
    {
        const string sql = """
            select id, event_id as EventId, event_type as EventType, lead_id as LeadId, state, attempts, next_attempt_at as NextAttemptAt,
                   last_status as LastStatus, last_error as LastError, created_at as CreatedAt, delivered_at as DeliveredAt
              from ingestion.webhook_delivery where subscription_id = @subscriptionId order by id desc limit @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<WebhookDelivery>(new CommandDefinition(sql, new { subscriptionId, limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Sends a delivery again, now, with its own event id (the receiver dedupes by <c>webhook-id</c>); false when the
    /// subscription has no such delivery.
    /// </summary>
    public async Task<bool> ReplayAsync(Guid subscriptionId, long deliveryId, CancellationToken ct)
    {
        const string sql = """
            update ingestion.webhook_delivery set state = 'pending', next_attempt_at = now(), attempts = 0
             where id = @deliveryId and subscription_id = @subscriptionId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { subscriptionId, deliveryId }, cancellationToken: ct)) > 0;
    }
}
