using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages.Leads;

/// <summary>
/// One lead: ingestion's <c>GET /v1/leads/{id}</c> (fields, deliveries) and disposition's timeline. A lead the key may
/// not read answers 404 from ingestion, and so here, exactly like a lead that does not exist.
/// </summary>
public sealed class LeadModel(PlatformClient platform, Microsoft.Extensions.Options.IOptions<ConsoleOptions> options) : PageModel
{
    public Guid LeadId { get; private set; }
    public JsonElement Lead { get; private set; }
    public JsonElement? Timeline { get; private set; }
    public string? TimelineNote { get; private set; }

    /// <summary>The trace the lead was accepted in (from the timeline), when it is a W3C trace id: 32 hex digits.</summary>
    public string? TraceId => Timeline is { } t && t.TryGetProperty("traceId", out var id) && id.GetString() is { Length: 32 } hex
        && hex.All(char.IsAsciiHexDigit) ? hex : null;

    /// <summary>The trace viewer's page for <see cref="TraceId"/>, when <c>Console:TraceViewerUrl</c> is configured.</summary>
    public string? TraceLink => TraceId is { } id && options.Value.TraceViewerUrl is { Length: > 0 } template
        ? template.Replace("{traceId}", id, StringComparison.Ordinal) : null;

    [TempData] public string? Notice { get; set; }
    [TempData] public string? Failure { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid leadId, CancellationToken ct)
    {
        LeadId = leadId;
        var lead = await platform.GetAsync(PlatformClient.Ingestion, $"v1/leads/{leadId}", ct);
        if (lead.Status == HttpStatusCode.NotFound)
        {
            return NotFound();
        }
        if (!lead.Ok)
        {
            Failure = lead.Problem;
            return Page();
        }
        Lead = lead.Body;
        try
        {
            var timeline = await platform.GetAsync(PlatformClient.Disposition, $"v1/leads/{leadId}/timeline", ct);
            if (timeline.Ok)
            {
                Timeline = timeline.Body;
            }
            else
            {
                TimelineNote = timeline.Status == HttpStatusCode.NotFound ? "Nothing on the timeline yet." : timeline.Problem;
            }
        }
        catch (HttpRequestException)
        {
            TimelineNote = "The disposition service does not answer.";
        }
        return Page();
    }

    /// <summary>Replays one failed delivery (operator and above) through ingestion's admin endpoint.</summary>
    public async Task<IActionResult> OnPostReplayAsync(Guid leadId, string integrationId, CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        var answer = await platform.PostAsync(PlatformClient.Ingestion,
            $"v1/admin/deliveries/{leadId}/{Uri.EscapeDataString(integrationId)}/replay", ct);
        if (answer.Ok)
        {
            Notice = $"Replay of the delivery to {integrationId} scheduled.";
        }
        else
        {
            Failure = answer.Problem;
        }
        return RedirectToPage(new { leadId });
    }
}
