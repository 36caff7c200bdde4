using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.Alis;

/// <summary>
/// Pushes a lead into ALIS: finds the prospect first (our reference, then its main contact's or its own email
/// or phone) and updates it, else creates it; then the same for its main contact.
/// </summary>
public sealed class AlisConnector(HttpClient http) : ICrmConnector
{
    public const string Name = "alis";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var plan = AlisTranslator.Translate(request.LeadId, request.Lead, request.Integration.SettingsAs<AlisSettings>());
        var api = new AlisApiClient(http, request.Integration);

        var existing = await FindProspectAsync(api, plan, ct);
        string prospectId;
        if (existing is null)
        {
            var created = await api.SendAsync(HttpMethod.Post, "integration/prospects", plan.Prospect, ct);
            prospectId = created["prospectId"]!.GetValue<string>();
        }
        else
        {
            prospectId = existing["id"]!.GetValue<string>();
            // A source already set (by an earlier lead or another system) and our first reference stay.
            var changes = plan.Prospect with
            {
                Source = existing["source"] is null ? plan.Prospect.Source : null,
                ReferenceId = existing["referenceId"]?.GetValue<string>() ?? plan.Prospect.ReferenceId,
            };
            await api.SendAsync(HttpMethod.Put, $"integration/prospects/{prospectId}", changes, ct);
        }

        var ids = new Dictionary<string, string> { ["prospect"] = prospectId };
        if (plan.MainContact is { } contact)
        {
            ids["mainContact"] = await UpsertContactAsync(api, prospectId, contact, ct);
        }
        return new CrmResult(existing is null ? CrmResult.Created : CrmResult.Updated, ids);
    }

    /// <summary>
    /// Our reference first (a create whose answer was lost); then, on behalf, the prospect the same contact acts for;
    /// then a prospect with the same email or phone. Found by contact or by the contact's email (which the prospect
    /// carries too), a prospect whose name disagrees is someone else the same person asked for: not a match.
    /// </summary>
    private static async Task<JsonObject?> FindProspectAsync(AlisApiClient api, AlisPlan plan, CancellationToken ct)
    {
        var byReference = await api.GetAsync($"integration/prospects?referenceId={Esc(plan.Prospect.ReferenceId)}", ct);
        if (byReference.FirstOrDefault() is { } mine)
        {
            return mine;
        }
        if (plan.MainContact is { } contact && Query(contact.Email, contact.Phone) is { } contactQuery)
        {
            foreach (var known in await api.GetAsync($"integration/contacts?{contactQuery}", ct))
            {
                var prospect = (await api.GetAsync($"integration/prospects/{known["prospectId"]!.GetValue<string>()}", ct)).Single();
                if (SamePerson(prospect, plan.Prospect))
                {
                    return prospect;
                }
            }
        }
        return Query(plan.Prospect.Email, plan.Prospect.Phone) is { } query
            ? (await api.GetAsync($"integration/prospects?{query}", ct)).FirstOrDefault(p => plan.MainContact is null || SamePerson(p, plan.Prospect))
            : null;
    }

    private static bool SamePerson(JsonObject existing, AlisProspect prospect) =>
        SameName(Text(existing, "firstName"), prospect.FirstName) && SameName(Text(existing, "lastName"), prospect.LastName);

    private static bool SameName(string? a, string? b) =>
        a is null || b is null || string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static async Task<string> UpsertContactAsync(AlisApiClient api, string prospectId, AlisContact contact, CancellationToken ct)
    {
        var contacts = await api.GetAsync($"integration/prospects/{prospectId}/contacts", ct);
        var existing = contacts.FirstOrDefault(c => Text(c, "referenceId") == contact.ReferenceId)
            ?? contacts.FirstOrDefault(c => contact.Email is not null && string.Equals(Text(c, "email"), contact.Email, StringComparison.OrdinalIgnoreCase))
            ?? contacts.FirstOrDefault(c => contact.Phone is not null && Digits(Text(c, "phone")) == Digits(contact.Phone));
        if (existing is null)
        {
            var created = await api.SendAsync(HttpMethod.Post, $"integration/prospects/{prospectId}/contacts", contact, ct);
            return created["contactId"]!.GetValue<string>();
        }
        var id = existing["id"]!.GetValue<string>();
        await api.SendAsync(HttpMethod.Put, $"integration/prospects/{prospectId}/contacts/{id}",
            contact with { ReferenceId = Text(existing, "referenceId") ?? contact.ReferenceId }, ct);
        return id;
    }

    private static string? Query(string? email, string? phone)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(email))
        {
            parts.Add($"email={Esc(email)}");
        }
        if (!string.IsNullOrWhiteSpace(phone))
        {
            parts.Add($"phone={Esc(phone)}");
        }
        return parts.Count == 0 ? null : string.Join('&', parts);
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Digits(string? phone) => new((phone ?? "").Where(char.IsDigit).ToArray());
}
