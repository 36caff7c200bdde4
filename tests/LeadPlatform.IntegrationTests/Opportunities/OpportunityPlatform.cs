using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Opportunities;

/// <summary>
/// Ingestion, the Salesforce and HubSpot connectors, Disposition and the CRM sandbox in the test process on their own
/// vhost and database: leads go out to the CRM stand-ins, opportunities come back by push and by poll.
/// </summary>
public sealed class OpportunityPlatform : IAsyncDisposable
{
    public required CrmApiPlatform Crm { get; init; }
    public InProcessService Disposition => Crm.Disposition;
    public HttpClient Sandbox => Crm.Sandbox.Client;

    public static async Task<OpportunityPlatform> StartAsync(string purpose) => new()
    {
        Crm = await CrmApiPlatform.StartAsync(purpose, more: b => b.WithDisposition(s => s.Set("Disposition:Polling:Tick", "00:00:00.200").AsAdmin())),
    };

    /// <summary>
    /// Straight into the catalog (the outbound-message settings are not in the PUT schema yet), through both services'
    /// stores so each one's cache shows it at once.
    /// </summary>
    public async Task PutIntegrationAsync(Integration integration)
    {
        await Crm.Ingestion.Services.GetRequiredService<IntegrationStore>().UpsertAsync(integration);
        await Disposition.Services.GetRequiredService<IntegrationStore>().UpsertAsync(integration);
    }

    /// <summary>Posts a lead, waits until it is delivered and Disposition knows its CRM record; returns the lead id and the record ids.</summary>
    public async Task<(string LeadId, JsonElement RecordIds)> DeliveredLeadAsync(object lead)
    {
        var leadId = await Crm.PostLeadAsync(lead);
        var delivery = await Crm.FinishedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        await Eventually.UntilAsync(async () =>
            {
                using var response = await Disposition.Client.GetAsync($"v1/leads/{leadId}/timeline");
                return response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync()).Contains("\"delivered\"", StringComparison.Ordinal) : false;
            }, TimeSpan.FromSeconds(20), "Disposition to know the lead's delivery");
        return (leadId, delivery.GetProperty("recordIds"));
    }

    public async Task<JsonElement> LeadAsync(string leadId) =>
        await Crm.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");

    public async Task<IReadOnlyList<JsonElement>> OpportunitiesAsync(string leadId) =>
        (await LeadAsync(leadId)).GetProperty("opportunities").EnumerateArray().ToList();

    /// <summary>Waits until the lead shows the opportunity with the stage.</summary>
    public Task<IReadOnlyList<JsonElement>> OpportunityShownAsync(string leadId, string opportunityId, string stage) =>
        Eventually.UntilAsync(() => OpportunitiesAsync(leadId),
            all => all.Any(o => o.GetProperty("opportunityId").GetString() == opportunityId && o.GetProperty("stage").GetString() == stage),
            TimeSpan.FromSeconds(20), $"lead {leadId} to show opportunity {opportunityId} at {stage}");

    public async Task<int> TimelineOpportunitiesAsync(string leadId)
    {
        var timeline = await Disposition.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}/timeline");
        return timeline.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "opportunity");
    }

    // ---- the Salesforce stand-in, as a CRM user would change it ----

    public async Task<string> SalesforceCreateAsync(string sobject, object fields) =>
        (await SalesforceAsync(HttpMethod.Post, $"services/data/v60.0/sobjects/{sobject}", fields)).GetProperty("id").GetString()!;

    public Task SalesforceUpdateAsync(string sobject, string id, object fields) =>
        SalesforceAsync(HttpMethod.Patch, $"services/data/v60.0/sobjects/{sobject}/{id}", fields);

    private async Task<JsonElement> SalesforceAsync(HttpMethod method, string path, object body)
    {
        using var tokenResponse = await Sandbox.PostAsync("services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "sandbox-sf-client", ["client_secret"] = "sandbox-sf-secret",
        }));
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        // Salesforce field names are PascalCase: no camel-casing of the anonymous objects.
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: new JsonSerializerOptions()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Sandbox.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Has the sandbox send a Salesforce outbound message for the record to Disposition; asserts it was acknowledged.</summary>
    public async Task OutboundMessageAsync(string integrationId, string pathSecret, string notificationId, string sobject, string recordId)
    {
        var url = new Uri(Disposition.BaseAddress, $"v1/dispositions/{integrationId}/salesforce/{pathSecret}").ToString();
        using var response = await Sandbox.PostAsJsonAsync("sandbox/salesforce/outbound-messages", new
        {
            url, notifications = new[] { new { id = notificationId, sObject = sobject, recordId } },
        });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("acked").GetBoolean(), Is.True, answer.ToString());
    }

    public ValueTask DisposeAsync() => Crm.DisposeAsync();
}
