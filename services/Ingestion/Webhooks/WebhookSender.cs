using System.Diagnostics;
using System.Text;
using Dapper;
using LeadPlatform.Integrations.Secrets;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;
using StandardWebhooks;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Sends due webhook deliveries, signed as Standard Webhooks says (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of id.timestamp.body&gt;</c>). Due rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and leased (their next attempt moved past the send's time-out), so N instances send each
/// event once; an instance that dies mid-send leaves the row to be sent again after the lease, with the same
/// <c>webhook-id</c> for the receiver to drop. A 2xx answer delivers it; anything else is retried with exponential
/// backoff, and marked failed (replayable) after <see cref="WebhookOptions.MaxAttempts"/> sends.
/// </summary>
public sealed class WebhookSender(NpgsqlDataSource dataSource, CredentialProtector protector, IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookSender> logger) : BackgroundService
{
    /// <summary>Its own client: no redirects (a subscriber can't send the platform elsewhere), no retries inside a send.</summary>
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private sealed record Due(long Id, Guid EventId, string EventType, Guid LeadId, string Payload, int Attempts, string Url, string Secret);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Webhook sender could not reach PostgreSQL; trying again");
            }
            if (sent == 0)
            {
                await Task.Delay(options.CurrentValue.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One batch: claim, send each (at once), record each outcome. The number of rows claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var settings = options.CurrentValue;
        const string claim = """
            update ingestion.webhook_delivery d set next_attempt_at = now() + @lease
              from ingestion.webhook_subscription w
             where w.id = d.subscription_id
               and d.id in (select id from ingestion.webhook_delivery
                             where state = 'pending' and next_attempt_at <= now()
                             order by next_attempt_at limit @batch for update skip locked)
            returning d.id, d.event_id as EventId, d.event_type as EventType, d.lead_id as LeadId, d.payload::text as Payload,
                      d.attempts, w.url, w.secret
            """;
        List<Due> due;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            due = (await connection.QueryAsync<Due>(new CommandDefinition(claim, new { lease = settings.Lease, batch = settings.BatchSize },
                cancellationToken: ct))).ToList();
        }
        if (due.Count == 0)
        {
            return 0;
        }
        // Work found: a trace of its own (the idle poll above makes none).
        using var activity = LeadPlatformTelemetry.Source.StartActivity("webhook send", ActivityKind.Internal);
        activity.IfRecorded()?.SetTag("webhook.count", due.Count);
        await Task.WhenAll(due.Select(d => SendAsync(d, settings, ct)));
        return due.Count;
    }

    private async Task SendAsync(Due due, WebhookOptions settings, CancellationToken ct)
    {
        int? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.SendTimeout);
            using var request = Signed(due);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"HTTP {status}";
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            error = ex is TaskCanceledException ? $"no answer within {settings.SendTimeout.TotalSeconds:0.#} s" : ex.Message;
        }
        await RecordAsync(due, status, error, settings, ct);
    }

    /// <summary>The POST of one event: the stored payload as it is, signed with the subscription's secret.</summary>
    private HttpRequestMessage Signed(Due due)
    {
        var id = "msg_" + due.EventId.ToString("N");
        var timestamp = DateTimeOffset.UtcNow;
        var signature = new StandardWebhook(protector.Unprotect(due.Secret)).Sign(id, timestamp, due.Payload);
        var request = new HttpRequestMessage(HttpMethod.Post, due.Url) { Content = new StringContent(due.Payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        return request;
    }

    private async Task RecordAsync(Due due, int? status, string? error, WebhookOptions settings, CancellationToken ct)
    {
        const string sql = """
            update ingestion.webhook_delivery
               set attempts = attempts + 1, last_status = @status, last_error = @error,
                   state = case when @error::text is null then 'delivered' when attempts + 1 >= @maxAttempts then 'failed' else 'pending' end,
                   delivered_at = case when @error::text is null then now() end,
                   next_attempt_at = now() + @backoff
             where id = @Id
            """;
        var attempts = due.Attempts + 1;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            due.Id, status, error = error is { Length: > 500 } ? error[..500] : error, maxAttempts = settings.MaxAttempts,
            backoff = settings.Backoff(attempts),
        }, cancellationToken: ct));
        if (error is null)
        {
            logger.LogInformation("Webhook {EventType} {WebhookId} of lead {LeadId} delivered (attempt {Attempt})", due.EventType,
                due.EventId, due.LeadId, attempts);
        }
        else
        {
            logger.LogWarning("Webhook {EventType} {WebhookId} of lead {LeadId} not delivered (attempt {Attempt}): {Error}", due.EventType,
                due.EventId, due.LeadId, attempts, error);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
