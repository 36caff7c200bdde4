using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using LeadPlatform.Disposition.Adapters;
using LeadPlatform.Integrations;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.Disposition;

public sealed class PollerOptions
{
    /// <summary>How often the poller looks for integrations that are due.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);
    public int MaxPagesPerPoll { get; set; } = 20;
}

/// <summary>What an <c>inbound-poll</c> integration's settings say about polling.</summary>
public sealed class PollSettings
{
    public int PollIntervalSeconds { get; init; } = 60;
    /// <summary>The changes feed; defaults to <c>{endpoint}/changes</c>.</summary>
    public string? ChangesUrl { get; init; }
}

/// <summary>
/// Polls CRMs that cannot push: for each <c>inbound-poll</c> integration, on its own schedule, read the
/// changes feed from the stored cursor, apply each change (once, by event id), then store the new cursor.
/// A restart resumes from the cursor; a page read twice applies nothing twice. A failing CRM backs off.
/// </summary>
public sealed partial class DispositionPoller(
    IntegrationStore integrations, NpgsqlDataSource dataSource, IHttpClientFactory http, IServiceScopeFactory scopes,
    LeadResolver resolver, DispositionApplier applier, TimeProvider clock, IOptions<PollerOptions> options,
    ILogger<DispositionPoller> logger) : BackgroundService
{
    public const string HttpClientName = "disposition-poll";
    private readonly Dictionary<string, DateTimeOffset> _nextDue = [];
    private readonly Dictionary<string, int> _failures = [];

    private sealed record Page(List<JsonElement>? Changes, string? NextCursor);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var integration in (await integrations.AllAsync(stoppingToken)).Values.Where(IsPolled))
                {
                    if (_nextDue.GetValueOrDefault(integration.Id) <= clock.GetUtcNow())
                    {
                        await PollOneAsync(integration, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Polling round failed; trying again next tick");
            }
            await Task.Delay(options.Value.Tick, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static bool IsPolled(Integration i) =>
        i.Enabled && i.Directions.Contains(IntegrationDirections.InboundPoll) && CrmCapabilities.Supports(i.Crm, IntegrationDirections.InboundPoll);

    private async Task PollOneAsync(Integration integration, CancellationToken ct)
    {
        var settings = integration.SettingsAs<PollSettings>();
        var interval = TimeSpan.FromSeconds(Math.Max(1, settings.PollIntervalSeconds));
        try
        {
            var applied = await PollPagesAsync(integration, settings, ct);
            _failures.Remove(integration.Id);
            _nextDue[integration.Id] = clock.GetUtcNow() + interval;
            if (applied > 0)
            {
                logger.LogInformation("Polled {IntegrationId}: {Applied} change(s) applied", integration.Id, applied);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or NpgsqlException && !ct.IsCancellationRequested)
        {
            var failures = _failures[integration.Id] = _failures.GetValueOrDefault(integration.Id) + 1;
            // Back off exponentially (capped at 32 intervals) so a CRM that is down is not hammered.
            _nextDue[integration.Id] = NotBefore(ex, clock.GetUtcNow() + interval * Math.Pow(2, Math.Min(failures, 5)));
            logger.LogWarning("Polling {IntegrationId} failed ({Failures} in a row): {Error}", integration.Id, failures, ex.Message);
            await SaveCursorAsync(integration.Id, null, ex.Message, ct);
        }
    }

    private async Task<int> PollPagesAsync(Integration integration, PollSettings settings, CancellationToken ct)
    {
        if (await PollCrmApiAsync(integration, settings, ct) is { } crmApplied)
        {
            return crmApplied;
        }
        var url = settings.ChangesUrl ?? $"{integration.Endpoint?.TrimEnd('/')}/changes";
        var cursor = await CursorAsync(integration.Id, ct);
        var applied = 0;
        using var scope = scopes.CreateScope();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        for (var page = 0; page < options.Value.MaxPagesPerPoll; page++)
        {
            var client = http.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, cursor is null ? url : $"{url}{(url.Contains('?') ? '&' : '?')}since={Uri.EscapeDataString(cursor)}");
            if (integration.Credential("apiKey") is { } apiKey)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
            using var response = await client.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<Page>(JsonDefaults.Options, ct) ?? new Page(null, null);
            foreach (var change in body.Changes ?? [])
            {
                applied += await ApplyChangeAsync(integration, change, publish, ct);
            }
            var advanced = body.NextCursor is not null && body.NextCursor != cursor;
            if (advanced)
            {
                cursor = body.NextCursor;
            }
            // The cursor is stored after the page is applied: a crash in between re-reads the page, which applies nothing twice.
            await SaveCursorAsync(integration.Id, cursor, null, ct);
            if (!advanced || (body.Changes?.Count ?? 0) == 0)
            {
                break;
            }
        }
        return applied;
    }

    private async Task<int> ApplyChangeAsync(Integration integration, JsonElement change, IPublishEndpoint publish, CancellationToken ct)
    {
        var read = new GenericAdapter().Read(change);
        if (read.Errors.Count > 0)
        {
            logger.LogWarning("Skipped a malformed change from {IntegrationId}: {Fields}", integration.Id, string.Join(", ", read.Errors.Keys));
            return 0;
        }
        var applied = 0;
        foreach (var e in read.Events)
        {
            if (await resolver.ResolveAsync(integration.Id, e, ct) is not { } leadId)
            {
                // A feed cannot be refused like a push; the change is skipped and said so.
                logger.LogWarning("Skipped a polled change from {IntegrationId} for a lead we do not know (event {EventId})", integration.Id, e.EventId);
                continue;
            }
            applied += (await applier.ApplyAsync(integration, leadId, e, "poll", publish, ct)).Applied;
        }
        return applied;
    }

    private async Task<string?> CursorAsync(string integrationId, CancellationToken ct)
    {
        const string sql = "select cursor from disposition.poll_cursor where integration_id = @integrationId";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { integrationId }, cancellationToken: ct));
    }

    private async Task SaveCursorAsync(string integrationId, string? cursor, string? error, CancellationToken ct)
    {
        // On failure (error set) the cursor stays where it was.
        const string sql = """
            insert into disposition.poll_cursor (integration_id, cursor, polled_at, failures, last_error)
            values (@integrationId, @cursor, now(), case when @error is null then 0 else 1 end, @error)
            on conflict (integration_id) do update set
                cursor = case when @error is null then excluded.cursor else poll_cursor.cursor end,
                polled_at = now(),
                failures = case when @error is null then 0 else poll_cursor.failures + 1 end,
                last_error = @error
            """;
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { integrationId, cursor, error }, cancellationToken: CancellationToken.None));
    }
}
