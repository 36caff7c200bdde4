using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>
/// Failed deliveries (ingestion <c>GET /v1/admin/deliveries/failed</c>) by CRM and integration, and their bulk replay:
/// the count is the preview, a confirmation step names it again, then batches of <c>POST /v1/admin/deliveries/replay</c>
/// run until none is left, bounded by <c>before</c> = the moment of the preview so a delivery failing again is not
/// picked up twice.
/// </summary>
public sealed class FailuresModel(PlatformClient platform) : PageModel
{
    private const int Batch = 100;
    private const int MaxBatches = 100;

    [BindProperty(SupportsGet = true)] public string? Crm { get; set; }
    [BindProperty(SupportsGet = true)] public string? Integration { get; set; }

    public int Total { get; private set; }
    public IReadOnlyList<JsonElement> Deliveries { get; private set; } = [];
    public string? Error { get; private set; }
    public DateTimeOffset? ConfirmBefore { get; private set; }

    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>The confirmation step: the same count, and the moment it was taken.</summary>
    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        ConfirmBefore = DateTimeOffset.UtcNow;
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Runs the replay as a background job, batch after batch, and shows its progress while it runs.</summary>
    public IActionResult OnPostReplay(DateTimeOffset before, [FromServices] ConsoleJobs jobs)
    {
        if (!User.MayReplay() || User.Key() is not { } key)
        {
            return Forbid();
        }
        var path = Query("v1/admin/deliveries/replay", Batch, before);
        var back = QueryHelpers.AddQueryString("/Failures", new Dictionary<string, string?> { ["crm"] = Crm, ["integration"] = Integration }
            .Where(q => !string.IsNullOrWhiteSpace(q.Value)).ToDictionary());
        var job = jobs.Start("Bulk replay of failed deliveries", User.Identity?.Name ?? "", back, async (running, ct) =>
        {
            var replayed = 0;
            for (var batch = 1; batch <= MaxBatches; batch++)
            {
                var answer = await platform.PostWithKeyAsync(PlatformClient.Ingestion, path, key, ct);
                if (!answer.Ok)
                {
                    running.Failed = true;
                    return $"Replay stopped after {replayed}: {answer.Problem}";
                }
                var count = answer.Body.GetProperty("replayed").GetInt32();
                replayed += count;
                running.Progress = $"{replayed} replayed so far (batch {batch})";
                if (count == 0)
                {
                    break;
                }
                running.Step($"Batch {batch}: {count} replayed");
            }
            return $"Replay of {replayed} failed deliveries scheduled.";
        });
        return RedirectToPage("/Job", new { id = job.Id });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var answer = await platform.GetAsync(PlatformClient.Ingestion, Query("v1/admin/deliveries/failed", Batch, null), ct);
        if (!answer.Ok)
        {
            Error = answer.Status == HttpStatusCode.Forbidden ? "Failed deliveries span accounts: a key of one account cannot list them." : answer.Problem;
            return;
        }
        Total = answer.Body.GetProperty("total").GetInt32();
        Deliveries = [.. answer.Body.GetProperty("deliveries").EnumerateArray()];
    }

    private string Query(string path, int limit, DateTimeOffset? before)
    {
        var query = new Dictionary<string, string?> { ["limit"] = limit.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrWhiteSpace(Crm))
        {
            query["crm"] = Crm;
        }
        if (!string.IsNullOrWhiteSpace(Integration))
        {
            query["integration"] = Integration;
        }
        if (before is not null)
        {
            query["before"] = before.Value.ToString("O", CultureInfo.InvariantCulture);
        }
        return QueryHelpers.AddQueryString(path, query);
    }
}
