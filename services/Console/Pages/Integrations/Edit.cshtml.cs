using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages.Integrations;

/// <summary>
/// Creates or edits one integration (ingestion <c>PUT /v1/integrations/{id}</c>, role admin); its settings form is built
/// from the CRM's settings schema, and the API's validation errors are shown beside their fields. A refused save
/// changes nothing: the API checks everything before it stores.
/// </summary>
public sealed class EditModel(PlatformClient platform) : PageModel
{
    public static readonly IReadOnlyList<string> AllDirections = ["outbound", "inbound-push", "inbound-poll"];
    public static readonly IReadOnlyList<string> Levels = ["account", "dealer", "oem"];
    private const string Keep = "***";

    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Crm { get; set; }
    public bool IsNew { get; private set; }
    public JsonObject Integration { get; private set; } = [];
    public IReadOnlyList<SettingsForm.Field> Fields { get; private set; } = [];
    public IReadOnlyList<string> CredentialNames { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Notice { get; private set; }

    public string Text(string name) => Integration[name]?.GetValueKind() == JsonValueKind.String ? Integration[name]!.GetValue<string>() : "";
    public bool HasDirection(string direction) => Integration["directions"] is JsonArray d && d.Any(x => x?.GetValue<string>() == direction);
    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;
    public static string DomId(string field) => field.Replace('.', '-').Replace('[', '-').Replace(']', '-');

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Page();
        }
        var form = Request.Form;
        var id = IsNew ? form["id"].ToString().Trim() : Id!;
        var (settings, errors) = SettingsForm.Read(Fields, name => form[name].ToString());
        Fields = [.. Fields.Select(f => f with { Value = form[f.InputName].ToString() })];
        var candidate = Integration.DeepClone().AsObject();
        candidate["accountId"] = form["accountId"].ToString().Trim();
        candidate["crm"] = Crm;
        candidate["level"] = form["level"].ToString();
        candidate["dealerId"] = Optional(form["dealerId"]);
        candidate["oemId"] = Optional(form["oemId"]);
        candidate["endpoint"] = Optional(form["endpoint"]);
        candidate["directions"] = new JsonArray([.. AllDirections.Where(d => form["directions"].Contains(d)).Select(d => (JsonNode)JsonValue.Create(d))]);
        candidate["enabled"] = form["enabled"] == "true";
        candidate["settings"] = settings;
        candidate["credentials"] = Credentials(form);
        candidate.Remove("id");
        Integration = candidate;
        if (id.Length == 0)
        {
            errors["id"] = ["is required"];
        }
        if (errors.Count > 0)
        {
            Errors = errors;
            return Page();
        }
        var answer = await platform.SendJsonAsync(PlatformClient.Ingestion, HttpMethod.Put, $"v1/integrations/{Uri.EscapeDataString(id)}", candidate, ct);
        if (answer.Ok)
        {
            TempData["Notice"] = $"Integration {id} saved.";
            return RedirectToPage("/Integrations/Index");
        }
        Errors = FieldErrors(answer);
        Error = Errors.Count == 0 ? answer.Problem : "Nothing was saved: correct the fields marked below.";
        return Page();
    }

    /// <summary>The integration (or a new one of <see cref="Crm"/>) and its CRM's settings schema.</summary>
    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        IsNew = string.IsNullOrEmpty(Id);
        if (!IsNew)
        {
            var found = await platform.GetAsync(PlatformClient.Ingestion, $"v1/integrations/{Uri.EscapeDataString(Id!)}", ct);
            if (!found.Ok)
            {
                Error = found.Status == HttpStatusCode.Forbidden ? "Integrations are managed with a key of role admin." : found.Problem;
                return false;
            }
            Integration = JsonNode.Parse(found.Body.GetRawText())!.AsObject();
            Crm = Text("crm");
        }
        else
        {
            Integration = new JsonObject { ["level"] = "account", ["enabled"] = true, ["directions"] = new JsonArray("outbound") };
        }
        if (string.IsNullOrEmpty(Crm))
        {
            Error = "Choose the integration's CRM.";
            return false;
        }
        var schema = await platform.GetAsync(PlatformClient.Ingestion, $"v1/crms/{Uri.EscapeDataString(Crm)}/settings-schema", ct);
        if (!schema.Ok)
        {
            Error = $"No settings schema for CRM {Crm}: {schema.Problem}";
            return false;
        }
        var current = Integration["settings"] is JsonObject s ? JsonSerializer.SerializeToElement(s) : default;
        Fields = SettingsForm.Fields(schema.Body, current);
        CredentialNames = Integration["credentials"] is JsonObject c ? [.. c.Select(p => p.Key)] : [];
        return true;
    }

    /// <summary>Stored credentials left blank keep their value (the API's <c>***</c>); a new name and value adds one.</summary>
    private JsonObject Credentials(IFormCollection form)
    {
        var credentials = new JsonObject();
        foreach (var name in CredentialNames)
        {
            var value = form[$"c_{name}"].ToString();
            credentials[name] = value.Length == 0 ? Keep : value;
        }
        for (var i = 0; i < 2; i++)
        {
            var name = form[$"newCredentialName{i}"].ToString().Trim();
            if (name.Length > 0)
            {
                credentials[name] = form[$"newCredentialValue{i}"].ToString();
            }
        }
        return credentials;
    }

    private static Dictionary<string, string[]> FieldErrors(PlatformClient.Answer answer) =>
        answer.Body.ValueKind == JsonValueKind.Object && answer.Body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.ValueKind == JsonValueKind.Array
                ? e.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray() : [e.Value.ToString()], StringComparer.OrdinalIgnoreCase)
            : [];

    private static JsonNode? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : JsonValue.Create(value.Trim());
}
