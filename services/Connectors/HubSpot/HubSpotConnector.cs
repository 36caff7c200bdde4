using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>
/// Creates or updates a HubSpot contact by email: creates it, and when HubSpot answers 409 (the email exists,
/// which also covers a create whose answer was lost) updates the existing contact with what the integration's
/// field-update policy allows. Every call waits its turn under the integration's rate.
/// </summary>
public sealed class HubSpotConnector(HttpClient http, HubSpotRateLimits limits) : ICrmConnector, ICrmUpdater
{
    public const string Name = "hubspot";
    private const string Contacts = "crm/v3/objects/contacts";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var integration = request.Integration;
        var settings = integration.SettingsAs<HubSpotSettings>();
        var contact = HubSpotTranslator.Translate(request.Lead, settings);

        var (status, body) = await SendAsync(integration, settings, HttpMethod.Post, Contacts, contact.ForCreate(), ct);
        if (status == HttpStatusCode.Created || status == HttpStatusCode.OK)
        {
            return new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["contact"] = Id(body) });
        }

        // 409: the email belongs to a contact already. Update it by its id, or by email when the message names none.
        var existingId = HubSpotErrors.ExistingId(body);
        var path = existingId is not null
            ? $"{Contacts}/{existingId}"
            : $"{Contacts}/{Uri.EscapeDataString(Reachable.Email(request.Lead) ?? "")}?idProperty=email";
        var changes = contact.ForUpdate(settings.UsageProfile);
        if (changes.Count == 0 && existingId is not null)
        {
            return new CrmResult(CrmResult.Updated, new Dictionary<string, string> { ["contact"] = existingId });
        }
        var (_, updated) = await SendAsync(integration, settings, HttpMethod.Patch, path, changes, ct);
        return new CrmResult(CrmResult.Updated, new Dictionary<string, string> { ["contact"] = existingId ?? Id(updated) });
    }

    /// <summary>
    /// An update after delivery: the delivered contact (its id from the ledger) gets what the field-update policy
    /// allows, as on a 409; nothing is written under <c>none</c>. Lead status and lifecycle stage are never moved.
    /// </summary>
    public async Task UpdateAsync(UpdateRequest request, CancellationToken ct)
    {
        var integration = request.Integration;
        var settings = integration.SettingsAs<HubSpotSettings>();
        if (!request.RecordIds.TryGetValue("contact", out var id))
        {
            throw new CrmPermanentException("the delivery recorded no HubSpot contact id");
        }
        var changes = HubSpotTranslator.Translate(request.Lead, settings).ForUpdate(settings.UsageProfile);
        if (changes.Count > 0)
        {
            await SendAsync(integration, settings, HttpMethod.Patch, $"{Contacts}/{Uri.EscapeDataString(id)}", changes, ct);
        }
    }

    /// <summary>One call within the rate; a success or a 409 is returned, anything else thrown as transient or permanent.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(Integration integration, HubSpotSettings settings,
        HttpMethod method, string path, Dictionary<string, string> properties, CancellationToken ct)
    {
        var endpoint = (integration.Endpoint ?? throw new CrmConfigurationException($"integration {integration.Id} has no endpoint")).TrimEnd('/') + "/";
        var limit = HubSpotRateLimits.Key(integration.Id, settings);
        await limits.WaitAsync(limit, settings.MaxRequestsPerSecond, ct);
        using var message = new HttpRequestMessage(method, new Uri(endpoint + path))
        {
            Content = JsonContent.Create(new { properties }),
        };
        message.Headers.Authorization = new("Bearer", integration.Credential("accessToken"));
        using var response = await http.SendAsync(message, ct);
        await limits.ObserveAsync(limit, response.Headers, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.Conflict && method == HttpMethod.Post))
        {
            return (response.StatusCode, body);
        }
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await limits.PauseAsync(limit, HubSpotErrors.RetryAfter(body, response.Headers), ct);
        }
        throw HubSpotErrors.ToException(response.StatusCode, body, response.Headers);
    }

    private static string Id(string body) =>
        JsonNode.Parse(body)?["id"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new CrmTransientException("HubSpot answered without a contact id");
}
