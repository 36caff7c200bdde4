using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>The broker's <c>*_error</c> queues and their depth (ingestion <c>GET /v1/admin/error-queues</c>); operators drain one back to its source queue.</summary>
public sealed class ErrorQueuesModel(PlatformClient platform) : PageModel
{
    public IReadOnlyList<JsonElement> Queues { get; private set; } = [];
    public string? Error { get; private set; }

    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var answer = await platform.GetAsync(PlatformClient.Ingestion, "v1/admin/error-queues", ct);
        if (answer.Ok)
        {
            Queues = [.. answer.Body.EnumerateArray()];
        }
        else
        {
            Error = answer.Status == HttpStatusCode.Forbidden ? "Error queues span accounts: a key of one account cannot list them." : answer.Problem;
        }
    }

    public async Task<IActionResult> OnPostDrainAsync(string queue, CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        var answer = await platform.PostAsync(PlatformClient.Ingestion, $"v1/admin/error-queues/{Uri.EscapeDataString(queue)}/drain", ct);
        Notice = answer.Ok
            ? $"Moved {answer.Body.GetProperty("moved").GetInt32()} messages from {queue} to {answer.Body.GetProperty("sourceQueue").GetString()}."
            : $"{queue}: {answer.Problem}";
        return RedirectToPage();
    }
}
