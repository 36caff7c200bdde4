using System.Net.Http.Json;
using LeadPlatform.Connectors;

namespace Acme.Connector;

/// <summary>
/// Pushes a lead into Acme as a contact. The pipeline calls this once per try; when an earlier try may have created
/// the contact before failing to answer (<see cref="DeliveryRequest.MayAlreadyExist"/>), it is looked up first.
/// </summary>
public sealed class AcmeConnector(HttpClient http) : ICrmConnector
{
    public const string Name = "acme";
    private const string Crm = "Acme";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var contact = AcmeContact.From(request.LeadId, request.Lead);
        var baseUri = new Uri((request.Integration.Endpoint ?? throw new CrmPermanentException("the integration has no endpoint")).TrimEnd('/') + "/");
        var apiKey = request.Integration.Credential("apiKey") ?? throw new CrmPermanentException("the integration has no apiKey credential");

        if (request.MayAlreadyExist && await FindAsync(baseUri, apiKey, contact.ExternalId, ct) is { } existing)
        {
            return new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["contact"] = existing });
        }
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "v1/contacts")) { Content = JsonContent.Create(contact) };
        create.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(create, ct);
        await response.EnsureCrmSuccessAsync(Crm, ct);
        var created = await response.Content.ReadFromJsonAsync<Created>(ct) ?? throw new InvalidOperationException("Acme answered no id");
        return new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["contact"] = created.Id });
    }

    private async Task<string?> FindAsync(Uri baseUri, string apiKey, string externalId, CancellationToken ct)
    {
        using var find = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"v1/contacts?externalId={Uri.EscapeDataString(externalId)}"));
        find.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(find, ct);
        await response.EnsureCrmSuccessAsync(Crm, ct);
        var found = await response.Content.ReadFromJsonAsync<List<Created>>(ct);
        return found?.FirstOrDefault()?.Id;
    }

    private sealed record Created(string Id);
}
