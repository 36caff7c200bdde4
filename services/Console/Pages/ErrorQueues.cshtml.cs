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

    /// <summary>Drains every error queue with messages, one after the other, as a background job with progress.</summary>
    public async Task<IActionResult> OnPostDrainAllAsync([FromServices] ConsoleJobs jobs, CancellationToken ct)
    {
        if (!User.MayReplay() || User.Key() is not { } key)
        {
            return Forbid();
        }
        var list = await platform.GetAsync(PlatformClient.Ingestion, "v1/admin/error-queues", ct);
        if (!list.Ok)
        {
            Notice = list.Problem;
            return RedirectToPage();
        }
        var queues = list.Body.EnumerateArray().Where(q => q.GetProperty("messages").GetInt32() > 0)
            .Select(q => q.GetProperty("queue").GetString() ?? "").ToList();
        var job = jobs.Start("Drain all error queues", User.Identity?.Name ?? "", "/ErrorQueues", async (running, ct) =>
        {
            var moved = 0;
            for (var i = 0; i < queues.Count; i++)
            {
                running.Progress = $"{queues[i]} ({i + 1} of {queues.Count})";
                var answer = await platform.PostWithKeyAsync(PlatformClient.Ingestion, $"v1/admin/error-queues/{Uri.EscapeDataString(queues[i])}/drain", key, ct);
                if (!answer.Ok)
                {
                    running.Step($"{queues[i]}: {answer.Problem}");
                    continue;
                }
                var count = answer.Body.GetProperty("moved").GetInt32();
                moved += count;
                running.Step($"{queues[i]}: moved {count} to {answer.Body.GetProperty("sourceQueue").GetString()}");
            }
            return $"Drained {queues.Count} error queues: {moved} messages moved back.";
        });
        return RedirectToPage("/Job", new { id = job.Id });
    }
}
