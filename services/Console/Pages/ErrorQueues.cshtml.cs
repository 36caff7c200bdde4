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
    private const int MaxQueuesShown = 10;
    public const int MessagesShown = 10;

    /// <summary>Per error queue, its first messages with their fault reason (MassTransit's <c>MT-Fault-Message</c> header).</summary>
    public Dictionary<string, IReadOnlyList<JsonElement>> Faults { get; } = [];

    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var answer = await platform.GetAsync(PlatformClient.Ingestion, "v1/admin/error-queues", ct);
        if (answer.Ok)
        {
            Queues = [.. answer.Body.EnumerateArray()];
            foreach (var queue in Queues.Where(q => q.GetProperty("messages").GetInt32() > 0).Take(MaxQueuesShown))
            {
                var name = queue.GetProperty("queue").GetString() ?? "";
                var messages = await platform.GetAsync(PlatformClient.Ingestion, $"v1/admin/error-queues/{Uri.EscapeDataString(name)}/messages?limit={MessagesShown}", ct);
                if (messages.Ok)
                {
                    Faults[name] = [.. messages.Body.GetProperty("messages").EnumerateArray()];
                }
            }
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

    /// <summary>Queues a drain of every error queue as an ingestion job (<c>POST /v1/admin/jobs/drain</c>) and shows its progress page.</summary>
    public async Task<IActionResult> OnPostDrainAllAsync(CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        var answer = await platform.SendJsonAsync(PlatformClient.Ingestion, HttpMethod.Post, "v1/admin/jobs/drain", new { }, ct);
        if (!answer.Ok)
        {
            Notice = answer.Problem;
            return RedirectToPage();
        }
        return RedirectToPage("/Job", new { id = answer.Body.GetProperty("id").GetGuid() });
    }
}
