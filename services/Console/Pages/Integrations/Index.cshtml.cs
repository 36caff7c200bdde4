using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages.Integrations;

/// <summary>
/// Integrations and source keys (ingestion <c>GET /v1/integrations</c>, <c>GET/PUT /v1/source-keys</c>, role admin).
/// A new source key is made here from 32 random bytes and shown once, in the answer to the form: it is never stored
/// by the console, and the service keeps only its hash.
/// </summary>
public sealed class IndexModel(PlatformClient platform) : PageModel
{
    public IReadOnlyList<JsonElement> Integrations { get; private set; } = [];
    public IReadOnlyList<JsonElement> SourceKeys { get; private set; } = [];
    public IReadOnlyList<string> Crms { get; } = ["adf", "alis", "enquire", "hubspot", "salesforce"];
    public string? Error { get; private set; }
    [TempData] public string? Notice { get; set; }
    public string? NewKey { get; private set; }
    public string? NewKeySource { get; private set; }
    public Dictionary<string, string> KeyErrors { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostKeyAsync(string source, string accounts, CancellationToken ct)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var accountList = (accounts ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var answer = string.IsNullOrWhiteSpace(source)
            ? null
            : await platform.SendJsonAsync(PlatformClient.Ingestion, HttpMethod.Put, $"v1/source-keys/{Uri.EscapeDataString(source.Trim())}",
                new { key, accounts = accountList }, ct);
        if (answer is null)
        {
            KeyErrors["source"] = "is required";
        }
        else if (answer.Ok)
        {
            NewKey = key;
            NewKeySource = source.Trim();
        }
        else if (answer.Body.ValueKind == JsonValueKind.Object && answer.Body.TryGetProperty("errors", out var errors))
        {
            KeyErrors = errors.EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        }
        else
        {
            Error = answer.Problem;
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var integrations = await platform.GetAsync(PlatformClient.Ingestion, "v1/integrations", ct);
        var keys = await platform.GetAsync(PlatformClient.Ingestion, "v1/source-keys", ct);
        if (!integrations.Ok || !keys.Ok)
        {
            Error ??= integrations.Status == HttpStatusCode.Forbidden || keys.Status == HttpStatusCode.Forbidden
                ? "Integrations and source keys are managed with a key of role admin."
                : (integrations.Ok ? keys : integrations).Problem;
            return;
        }
        Integrations = [.. integrations.Body.EnumerateArray()];
        SourceKeys = [.. keys.Body.EnumerateArray()];
    }
}
