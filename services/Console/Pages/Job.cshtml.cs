using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>
/// An ingestion operation job's progress (<c>GET /v1/admin/jobs/{id}</c>): the job lives in ingestion, so any console
/// instance shows it, after a restart too. The page reloads itself every second while the job runs (no script).
/// </summary>
public sealed class JobModel(PlatformClient platform) : PageModel
{
    public string Title { get; private set; } = "";
    public string State { get; private set; } = "";
    public bool Running { get; private set; }
    public bool Failed { get; private set; }
    public string Progress { get; private set; } = "";
    public IReadOnlyList<string> Steps { get; private set; } = [];
    public string? Result { get; private set; }
    public string BackTo { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var answer = await platform.GetAsync(PlatformClient.Ingestion, $"v1/admin/jobs/{id}", ct);
        if (answer.Status == HttpStatusCode.NotFound)
        {
            return NotFound();
        }
        if (!answer.Ok)
        {
            return answer.Status == HttpStatusCode.Forbidden ? Forbid() : StatusCode((int)answer.Status);
        }
        var job = answer.Body;
        var kind = job.GetProperty("kind").GetString();
        var parameters = job.GetProperty("params");
        State = job.GetProperty("state").GetString() ?? "";
        Running = State is "queued" or "running";
        Failed = State == "failed";
        Steps = [.. job.GetProperty("steps").EnumerateArray().Select(s => s.GetString() ?? "")];
        Result = Text(job, "result");
        var total = job.GetProperty("total").ValueKind == JsonValueKind.Number ? $" of {job.GetProperty("total").GetInt32()}" : "";
        var unit = kind == "replay" ? "replayed" : "moved back";
        Progress = State == "queued" ? "waiting for an ingestion instance" : $"{job.GetProperty("done").GetInt32()}{total} {unit} so far";
        if (kind == "replay")
        {
            Title = "Bulk replay of failed deliveries";
            BackTo = QueryHelpers.AddQueryString("/Failures", new Dictionary<string, string?>
            {
                ["crm"] = Text(parameters, "crm"),
                ["integration"] = Text(parameters, "integration"),
            }.Where(q => !string.IsNullOrWhiteSpace(q.Value)).ToDictionary());
        }
        else
        {
            Title = Text(parameters, "queue") is { } queue ? $"Drain {queue}" : "Drain all error queues";
            BackTo = "/ErrorQueues";
        }
        return Page();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
