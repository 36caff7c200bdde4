using System.Net.Http.Headers;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Disposition.Adapters;
using LeadPlatform.Integrations;
using MassTransit;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Disposition;

public sealed class PollerOptions
{
    /// <summary>How often the poller looks for integrations that are due.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(1);
    public int MaxPagesPerPoll { get; set; } = 20;
    /// <summary>How long an instance holds an integration while it polls it; renewed after every page.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
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
/// The schedule lives in PostgreSQL (<see cref="PollLeases"/>): with N instances each integration is polled once
/// per interval, by whichever instance leased it. Nothing one integration holds (a bad setting, a feed that throws
/// anything) stops the host: it is logged, recorded on the integration's row, and retried after a back-off.
/// </summary>
public sealed partial class DispositionPoller(
    IntegrationStore integrations, PollLeases leases, IHttpClientFactory http, IServiceScopeFactory scopes,
    LeadResolver resolver, DispositionApplier applier, TimeProvider clock, IOptions<PollerOptions> options,
    ILogger<DispositionPoller> logger) : BackgroundService
{
    public const string HttpClientName = "disposition-poll";
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(new PollSettings().PollIntervalSeconds);

    private sealed record Page(List<JsonElement>? Changes, string? NextCursor);

    private sealed class LeaseLostException(string integrationId)
        : Exception($"Lost the polling lease of {integrationId} to another instance");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var integration in (await integrations.AllAsync(stoppingToken)).Values.Where(IsPolled))
                {
                    if (await leases.TryClaimAsync(integration.Id, options.Value.Lease, stoppingToken) is { } claim)
                    {
                        await PollOneAsync(integration, claim, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the catalog is away (or something no integration explains): the next tick tries again.
                logger.LogWarning(ex, "Polling round failed; trying again next tick");
            }
            await Task.Delay(options.Value.Tick, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static bool IsPolled(Integration i) =>
        i.Enabled && i.Directions.Contains(IntegrationDirections.InboundPoll) && CrmCapabilities.Supports(i.Crm, IntegrationDirections.InboundPoll);

    private async Task PollOneAsync(Integration integration, PollLeases.Claim claim, CancellationToken ct)
    {
        var interval = DefaultInterval;
        try
        {
            // Inside the try: a setting that does not parse is this integration's failure, not the host's.
            var settings = integration.SettingsAs<PollSettings>();
            interval = TimeSpan.FromSeconds(Math.Max(1, settings.PollIntervalSeconds));
            var applied = await PollPagesAsync(integration, settings, claim, ct);
            await leases.ReleaseAsync(claim, interval, null);
            if (applied > 0)
            {
                logger.LogInformation("Polled {IntegrationId}: {Applied} change(s) applied", integration.Id, applied);
            }
        }
        catch (LeaseLostException ex)
        {
            logger.LogWarning("{Message}; its poll stops here", ex.Message);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Polling {IntegrationId} failed ({ErrorType}): {Error}", integration.Id, ex.GetType().Name, ex.Message);
            await leases.ReleaseAsync(claim, interval, $"{ex.GetType().Name}: {ex.Message}", RetryAfter(ex));
        }
        catch (OperationCanceledException)
        {
            await leases.ReleaseAsync(claim, TimeSpan.Zero, null); // Stopping: another instance may take it at once.
            throw;
        }
    }

    private async Task<int> PollPagesAsync(Integration integration, PollSettings settings, PollLeases.Claim claim, CancellationToken ct)
    {
        if (await PollCrmApiAsync(integration, settings, claim, ct) is { } crmApplied)
        {
            return crmApplied;
        }
        var url = settings.ChangesUrl ?? $"{integration.Endpoint?.TrimEnd('/')}/changes";
        var cursor = claim.Cursor;
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
            var body = await response.Content.ReadFromJsonAsync<Page>(PlatformJson.Options, ct) ?? new Page(null, null);
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
            if (!await leases.SaveCursorAsync(claim, cursor, options.Value.Lease, ct))
            {
                throw new LeaseLostException(integration.Id);
            }
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
            if (await resolver.ResolveAsync(integration, e, ct) is not { } leadId)
            {
                // A feed cannot be refused like a push; the change is skipped and said so.
                logger.LogWarning("Skipped a polled change from {IntegrationId} for a lead we do not know (event {EventId})", integration.Id, e.EventId);
                continue;
            }
            applied += (await applier.ApplyAsync(integration, leadId, e, "poll", publish, ct)).Applied;
        }
        return applied;
    }
}
