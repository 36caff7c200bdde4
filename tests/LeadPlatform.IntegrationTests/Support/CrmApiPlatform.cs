using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Support;

/// <summary>
/// Ingestion, the Salesforce and HubSpot connectors and the CRM sandbox (<see cref="TestPlatform"/>); tests submit
/// leads as a trusted caller: the admin key is accepted on the lead endpoints like a source key.
/// </summary>
public sealed class CrmApiPlatform : TestPlatform
{
    private CrmApiPlatform(TestPlatform started) : base(started)
    {
    }

    /// <param name="salesforceInstances">Salesforce connector instances, on the same queue and database.</param>
    /// <param name="more">More services (disposition, …).</param>
    public static async Task<CrmApiPlatform> StartAsync(string purpose, IDictionary<string, string?>? sandboxSettings = null,
        int salesforceInstances = 1, IDictionary<string, string?>? connectorSettings = null, Action<TestPlatformBuilder>? more = null)
    {
        void Connector(ServiceSetup s) => s.Set("Connector:RequestTimeout", "00:00:05").Set(connectorSettings);
        var builder = Create(purpose)
            .WithSandbox(s => s.Set(sandboxSettings))
            .WithIngestion(s => s.AsAdmin())
            .WithConnector(Crm.Salesforce, Connector)
            .WithConnector(Crm.HubSpot, Connector);
        more?.Invoke(builder);
        var platform = new CrmApiPlatform(await builder.StartAsync());
        for (var i = 2; i <= salesforceInstances; i++)
        {
            await platform.StartAnotherAsync(Crm.Salesforce.Role);
        }
        return platform;
    }

    /// <summary>A Salesforce integration of the account, its endpoint the sandbox's login URL, with the sandbox's OAuth client.</summary>
    public Task PutSalesforceIntegrationAsync(string id, string accountId, object settings) =>
        PutSandboxIntegrationAsync(id, accountId, Crm.Salesforce, settings);

    public Task PutHubSpotIntegrationAsync(string id, string accountId, object settings) =>
        PutSandboxIntegrationAsync(id, accountId, Crm.HubSpot, settings);

    /// <summary>Posts a lead and returns its id.</summary>
    public async Task<string> PostLeadAsync(object lead)
    {
        using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
    }
}
