using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Ingestion;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Support;

/// <summary>
/// Ingestion, the Salesforce and HubSpot connectors and the CRM sandbox hosted in the test process, on a
/// RabbitMQ virtual host and a database of their own.
/// </summary>
public sealed class CrmApiPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;

    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService Salesforce { get; init; }
    public required InProcessService HubSpot { get; init; }
    /// <summary>Salesforce connector instances beyond the first (<c>salesforceInstances</c>), on the same queue and database.</summary>
    public IReadOnlyList<InProcessService> MoreSalesforce { get; init; } = [];
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static async Task<CrmApiPlatform> StartAsync(string purpose, IDictionary<string, string?>? sandboxSettings = null,
        int salesforceInstances = 1, IDictionary<string, string?>? connectorSettings = null)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;

        var sandboxConfig = new Dictionary<string, string?>(config);
        foreach (var (key, value) in sandboxSettings ?? new Dictionary<string, string?>())
        {
            sandboxConfig[key] = value;
        }
        var sandbox = await InProcessService.StartAsync("sandbox-crm-api", sandboxConfig,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync("ingestion-crm-api", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(config)
        {
            ["Connector:RequestTimeout"] = "00:00:05",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:RetryPollInterval"] = "00:00:00.500",
            ["Connector:Lease"] = "00:00:10",
        };
        foreach (var (key, value) in connectorSettings ?? new Dictionary<string, string?>())
        {
            connectorConfig[key] = value;
        }
        var salesforce = await InProcessService.StartAsync("connector-salesforce", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddSalesforceConnector(); },
            a => a.MapDefaultEndpoints());
        var hubspot = await InProcessService.StartAsync("connector-hubspot", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddHubSpotConnector(); },
            a => a.MapDefaultEndpoints());
        var moreSalesforce = new List<InProcessService>();
        for (var i = 2; i <= salesforceInstances; i++)
        {
            moreSalesforce.Add(await InProcessService.StartAsync($"connector-salesforce-{i}", connectorConfig,
                b => { b.AddServiceDefaults(); b.AddSalesforceConnector(); },
                a => a.MapDefaultEndpoints()));
        }

        // Tests submit as a trusted caller: the admin key is accepted on the lead endpoints like a source key.
        ingestion.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var platform = new CrmApiPlatform
        {
            Environment = environment, Sandbox = sandbox, Ingestion = ingestion, Salesforce = salesforce, HubSpot = hubspot, MoreSalesforce = moreSalesforce,
        };
        foreach (var service in new[] { sandbox, ingestion, salesforce, hubspot }.Concat(moreSalesforce))
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        return platform;
    }

    public async Task PutIntegrationAsync(string id, object integration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{id}") { Content = JsonContent.Create(integration) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Salesforce integration of the account, its endpoint the sandbox's login URL, with the sandbox's OAuth client.</summary>
    public Task PutSalesforceIntegrationAsync(string id, string accountId, object settings) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = "salesforce",
            endpoint = Sandbox.BaseAddress.ToString(),
            credentials = new Dictionary<string, string>
            {
                ["clientId"] = "sandbox-sf-client",
                ["clientSecret"] = "sandbox-sf-secret",
                ["refreshToken"] = "sandbox-sf-refresh-token",
            },
            settings,
        });

    public Task PutHubSpotIntegrationAsync(string id, string accountId, object settings) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = "hubspot",
            endpoint = Sandbox.BaseAddress.ToString(),
            credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" },
            settings,
        });

    /// <summary>Posts a lead and returns its id.</summary>
    public async Task<string> PostLeadAsync(object lead)
    {
        using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
    }

    /// <summary>The lead's single delivery once it is delivered or failed.</summary>
    public async Task<JsonElement> FinishedDeliveryAsync(string leadId, TimeSpan? within = null)
    {
        var lead = await Eventually.UntilAsync(
            () => Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() is "delivered" or "failed"),
            within ?? TimeSpan.FromSeconds(20), $"the delivery of lead {leadId} to finish");
        return lead.GetProperty("deliveries")[0];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in MoreSalesforce)
        {
            await instance.DisposeAsync();
        }
        await HubSpot.DisposeAsync();
        await Salesforce.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Environment.DisposeAsync();
    }
}
