using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>
/// Raw CRM statuses and activity types no mapping covers yet (disposition <c>GET /v1/dispositions/unmapped</c>), and
/// for operators a form that maps one into an integration's mapping (<c>POST /v1/dispositions/unmapped/map</c>).
/// </summary>
public sealed class UnmappedModel(PlatformClient platform) : PageModel
{
    public static readonly IReadOnlyList<string> Statuses = ["Pending", "Viewed", "Assigned", "Working", "Sold", "Lost", "Abandoned"];
    public static readonly IReadOnlyList<string> Activities = ["PhoneCall", "Sms", "Email", "Appointment", "Quote", "Note"];

    public sealed record Row(string Provider, string Kind, string Raw, long Count, string? LastSeenAt, IReadOnlyList<string> Integrations);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Error { get; private set; }
    [TempData] public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        PlatformClient.Answer answer;
        try
        {
            answer = await platform.GetAsync(PlatformClient.Disposition, "v1/dispositions/unmapped", ct);
        }
        catch (HttpRequestException)
        {
            Error = "The disposition service does not answer.";
            return;
        }
        if (!answer.Ok)
        {
            Error = answer.Status == HttpStatusCode.Forbidden ? "Unmapped values span accounts: a key of one account cannot list them." : answer.Problem;
            return;
        }
        Rows = [.. answer.Body.GetProperty("providers").EnumerateArray().SelectMany(p =>
            Values(p, "statuses", "status").Concat(Values(p, "activities", "activity")))];
    }

    public async Task<IActionResult> OnPostMapAsync(string integrationId, string kind, string raw, string value, CancellationToken ct)
    {
        if (!User.MayReplay())
        {
            return Forbid();
        }
        var answer = await platform.SendJsonAsync(PlatformClient.Disposition, HttpMethod.Post, "v1/dispositions/unmapped/map",
            new { integrationId, kind, raw, value }, ct);
        Notice = answer.Ok
            ? $"{kind} \"{raw}\" maps to {value} in {integrationId}; {answer.Body.GetProperty("applied").GetInt32()} waiting entries applied."
            : $"Not mapped: {answer.Problem}";
        return RedirectToPage();
    }

    private static IEnumerable<Row> Values(JsonElement provider, string property, string kind) =>
        provider.GetProperty(property).EnumerateArray().Select(v => new Row(
            provider.GetProperty("provider").GetString() ?? "", kind, v.GetProperty("raw").GetString() ?? "",
            v.GetProperty("count").GetInt64(), v.GetProperty("lastSeenAt").GetString(),
            v.TryGetProperty("integrations", out var i) ? [.. i.EnumerateArray().Select(x => x.GetString() ?? "")] : []));
}
