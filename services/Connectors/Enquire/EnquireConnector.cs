using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.Enquire;

/// <summary>
/// Pushes a lead into Enquire: finds each individual first (our external id, then email or phone) and
/// updates it, else creates it; links the contact to the prospect; adds the survey report to the prospect's
/// reports unless it is already there.
/// </summary>
public sealed class EnquireConnector(HttpClient http) : ICrmConnector
{
    public const string Name = "enquire";
    private const string Crm = "Enquire";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var integration = request.Integration;
        var plan = EnquireTranslator.Translate(request.LeadId, request.Lead, integration.SettingsAs<EnquireSettings>());
        var api = new Api(http, integration);

        var (prospectId, prospectCreated) = await UpsertAsync(api, plan.Prospect, ct,
            orElse: plan.Contact is { } asker ? () => ProspectOfKnownContactAsync(api, asker, plan.Prospect, ct) : null);
        var ids = new Dictionary<string, string> { ["prospect"] = prospectId };
        if (plan.Contact is { } contact)
        {
            var (contactId, _) = await UpsertAsync(api, contact with { LinkedProspectId = prospectId }, ct);
            ids["contact"] = contactId;
        }
        if (plan.Report is { } report)
        {
            ids["report"] = await AddReportOnceAsync(api, prospectId, report, ct);
        }
        return new CrmResult(prospectCreated ? CrmResult.Created : CrmResult.Updated, ids);
    }

    private static async Task<(string Id, bool Created)> UpsertAsync(Api api, EnquireIndividual individual, CancellationToken ct,
        Func<Task<JsonObject?>>? orElse = null)
    {
        var existing = await api.FindAsync(individual, ct) ?? (orElse is null ? null : await orElse());
        if (existing is null)
        {
            var created = await api.SendAsync(HttpMethod.Post, "individuals", individual, ct);
            return (created["individualId"]!.GetValue<string>(), true);
        }
        var id = existing["id"]!.GetValue<string>();
        // Another integration's market source stays; the type of an existing individual is not changed.
        var changes = individual with
        {
            MarketSource = existing["marketSource"] is null ? individual.MarketSource : null,
            ExternalId = existing["externalId"]?.GetValue<string>() ?? individual.ExternalId,
        };
        await api.SendAsync(HttpMethod.Put, $"individuals/{id}", changes, ct);
        return (id, false);
    }

    /// <summary>
    /// A prospect known only by name (the survey-taker gave no email or phone of theirs): the one the same contact
    /// already acts for, when the names agree — a second survey for mother is not a second mother.
    /// </summary>
    private static async Task<JsonObject?> ProspectOfKnownContactAsync(Api api, EnquireIndividual contact, EnquireIndividual prospect,
        CancellationToken ct)
    {
        if (prospect.Email is not null || prospect.Phone is not null
            || await api.FindAsync(contact, ct) is not { } known || known["linkedProspectId"]?.GetValue<string>() is not { } linkedId)
        {
            return null;
        }
        var linked = await api.GetAsync<JsonObject>($"individuals/{linkedId}", ct);
        return SameName(linked["firstName"]?.GetValue<string>(), prospect.FirstName)
            && SameName(linked["lastName"]?.GetValue<string>(), prospect.LastName) ? linked : null;
    }

    private static bool SameName(string? a, string? b) =>
        a is null || b is null || string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static async Task<string> AddReportOnceAsync(Api api, string prospectId, EnquireReport report, CancellationToken ct)
    {
        var reports = await api.GetAsync<JsonArray>($"individuals/{prospectId}/reports", ct);
        var already = reports.OfType<JsonObject>().FirstOrDefault(r => r["externalId"]?.GetValue<string>() == report.ExternalId);
        if (already is not null)
        {
            return already["id"]!.GetValue<string>();
        }
        var created = await api.SendAsync(HttpMethod.Post, $"individuals/{prospectId}/reports", report, ct);
        return created["reportId"]!.GetValue<string>();
    }

    /// <summary>Enquire's HTTP surface for one integration: its base URL and subscription key.</summary>
    private sealed class Api(HttpClient http, Integration integration)
    {
        private readonly string _base = (integration.Endpoint ?? throw new CrmConfigurationException($"integration {integration.Id} has no endpoint")).TrimEnd('/') + "/";

        public async Task<JsonObject?> FindAsync(EnquireIndividual individual, CancellationToken ct)
        {
            var query = $"individuals?externalId={Uri.EscapeDataString(individual.ExternalId)}"
                + (individual.Email is { } email ? $"&email={Uri.EscapeDataString(email)}" : "")
                + (individual.Phone is { } phone ? $"&phone={Uri.EscapeDataString(phone)}" : "");
            var matches = (await GetAsync<JsonArray>(query, ct)).OfType<JsonObject>().ToList();
            return matches.FirstOrDefault(m => m["externalId"]?.GetValue<string>() == individual.ExternalId)
                ?? matches.FirstOrDefault(m => m["individualType"]?.GetValue<string>() == individual.IndividualType);
        }

        public async Task<T> GetAsync<T>(string path, CancellationToken ct) where T : JsonNode
        {
            using var response = await http.SendAsync(Request(HttpMethod.Get, path), ct);
            await response.EnsureCrmSuccessAsync(Crm, ct);
            return (T)(await response.Content.ReadFromJsonAsync<JsonNode>(ct))!;
        }

        public async Task<JsonObject> SendAsync<T>(HttpMethod method, string path, T body, CancellationToken ct)
        {
            var request = Request(method, path);
            // Bytes of known length: sent with a Content-Length as they are, no second buffering copy.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, PlatformJson.Options))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") },
            };
            using var response = await http.SendAsync(request, ct);
            await response.EnsureCrmSuccessAsync(Crm, ct);
            return (await response.Content.ReadFromJsonAsync<JsonObject>(ct)) ?? [];
        }

        private HttpRequestMessage Request(HttpMethod method, string path)
        {
            var request = new HttpRequestMessage(method, new Uri(_base + path));
            request.Headers.Add("Ocp-Apim-Subscription-Key", integration.Credential("subscriptionKey"));
            return request;
        }
    }
}
