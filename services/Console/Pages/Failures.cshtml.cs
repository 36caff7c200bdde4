using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>
/// Failed deliveries (ingestion <c>GET /v1/admin/deliveries/failed</c>) by CRM and integration, and their bulk replay:
/// the count is the preview, a confirmation step names it again, then ingestion runs the replay as a job (batches until
/// none is left), bounded by <c>before</c> = the moment of the preview so a delivery failing again is not picked up twice.
/// </summary>
public sealed class FailuresModel(PlatformClient platform) : PageModel
{
    private const int Batch = 100;

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

    /// <summary>Queues the replay as an ingestion job (<c>POST /v1/admin/jobs/replay</c>) and shows its progress page.</summary>
    public async Task<IActionResult> OnPostReplayAsync(DateTimeOffset before, CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        var answer = await platform.SendJsonAsync(PlatformClient.Ingestion, HttpMethod.Post, "v1/admin/jobs/replay",
            new { crm = Blank(Crm), integration = Blank(Integration), before }, ct);
        if (!answer.Ok)
        {
            Error = answer.Problem;
            await LoadAsync(ct);
            return Page();
        }
        return RedirectToPage("/Job", new { id = answer.Body.GetProperty("id").GetGuid() });
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

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
