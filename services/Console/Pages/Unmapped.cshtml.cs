using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>Raw CRM statuses and activity types no mapping covers yet (disposition <c>GET /v1/dispositions/unmapped</c>).</summary>
public sealed class UnmappedModel(PlatformClient platform) : PageModel
{
    public sealed record Row(string Provider, string Kind, string Raw, long Count, string? LastSeenAt);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Error { get; private set; }

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

    private static IEnumerable<Row> Values(JsonElement provider, string property, string kind) =>
        provider.GetProperty(property).EnumerateArray().Select(v => new Row(
            provider.GetProperty("provider").GetString() ?? "", kind, v.GetProperty("raw").GetString() ?? "",
            v.GetProperty("count").GetInt64(), v.GetProperty("lastSeenAt").GetString()));
}
