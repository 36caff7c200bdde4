using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace LeadPlatform.OperatorConsole.Pages.Leads;

/// <summary>Lead search over ingestion's <c>GET /v1/leads/search</c>, a page at a time (keyset: the next link carries the cursor).</summary>
public sealed class IndexModel(PlatformClient platform) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? AccountId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Source { get; set; }
    [BindProperty(SupportsGet = true)] public string? SourceLeadId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Email { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? DeliveryState { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<JsonElement> Leads { get; private set; } = [];
    public string? NextLink { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filters = new Dictionary<string, string?>
        {
            ["accountId"] = AccountId, ["source"] = Source, ["sourceLeadId"] = SourceLeadId, ["email"] = Email,
            ["status"] = Status, ["deliveryState"] = DeliveryState,
            ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            // A date range names whole days: "to" includes its day.
            ["to"] = To?.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }.Where(f => !string.IsNullOrWhiteSpace(f.Value)).ToDictionary(f => f.Key, f => f.Value);
        var query = new Dictionary<string, string?>(filters) { ["limit"] = PageSize.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrWhiteSpace(After))
        {
            query["after"] = After;
        }
        PlatformClient.Answer answer;
        try
        {
            answer = await platform.GetAsync(PlatformClient.Ingestion, QueryHelpers.AddQueryString("v1/leads/search", query), ct);
        }
        catch (HttpRequestException)
        {
            Error = "The ingestion service does not answer.";
            return;
        }
        if (!answer.Ok)
        {
            Error = answer.Problem;
            return;
        }
        Leads = [.. answer.Body.GetProperty("leads").EnumerateArray()];
        if (answer.Body.GetProperty("next").GetString() is { } next)
        {
            var link = Request.Query.Where(q => q.Key != "after").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
            link["after"] = next;
            NextLink = QueryHelpers.AddQueryString("/Leads", link);
        }
    }
}
