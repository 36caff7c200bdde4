using System.Net.Http.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Ingestion;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Support;

/// <summary>
/// Ingestion, the Enquire connector and the CRM sandbox hosted in the test process, on a RabbitMQ virtual
/// host and a database of their own.
/// </summary>
public sealed class InProcessPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;
    /// <summary>The API key of source <c>roobrik</c> (any account), sent by default on <see cref="Ingestion"/>'s client.</summary>
    public const string RoobrikApiKey = "test-roobrik-api-key-0001";

    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService Enquire { get; init; }
    /// <summary>With <c>brokerUsers</c>: each service connects as its own user of <c>build/broker-users.sh</c>.</summary>
    public BrokerUsers? BrokerUsers { get; init; }
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static async Task<InProcessPlatform> StartAsync(string purpose, IDictionary<string, string?>? connectorSettings = null, bool brokerUsers = false)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var users = brokerUsers ? await BrokerUsers.CreateAsync(environment) : null;
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;

        var sandbox = await InProcessService.StartAsync("sandbox", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync("ingestion", WithBrokerUser(config, users, "ingestion"),
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(WithBrokerUser(config, users, "connector-enquire"))
        {
            ["Connector:RequestTimeout"] = "00:00:02",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:RetryPollInterval"] = "00:00:00.500",
            ["Connector:Lease"] = "00:00:10",
        };
        foreach (var (key, value) in connectorSettings ?? new Dictionary<string, string?>())
        {
            connectorConfig[key] = value;
        }
        var enquire = await InProcessService.StartAsync("connector-enquire", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddConnector<EnquireConnector>(EnquireConnector.Name); },
            a => a.MapDefaultEndpoints());

        var platform = new InProcessPlatform { Environment = environment, Sandbox = sandbox, Ingestion = ingestion, Enquire = enquire, BrokerUsers = users };
        await platform.WaitReadyAsync();
        await platform.PutSourceKeyAsync("roobrik", RoobrikApiKey, "*");
        ingestion.Client.DefaultRequestHeaders.Add("X-Api-Key", RoobrikApiKey);
        return platform;
    }

    /// <summary>The configuration with the service's own broker user, when the platform has them.</summary>
    public static Dictionary<string, string?> WithBrokerUser(IDictionary<string, string?> config, BrokerUsers? users, string role)
    {
        var own = new Dictionary<string, string?>(config);
        if (users is not null)
        {
            own["ConnectionStrings:RabbitMq"] = users.Uri(role);
        }
        return own;
    }

    public async Task PutIntegrationAsync(string id, object integration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{id}") { Content = JsonContent.Create(integration) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    public async Task PutSourceKeyAsync(string source, string key, params string[] accounts)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/source-keys/{source}") { Content = JsonContent.Create(new { key, accounts }) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An Enquire integration for the account, pointed at this platform's sandbox.</summary>
    public Task PutEnquireIntegrationAsync(string id, string accountId, object? settings = null) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = "enquire",
            endpoint = new Uri(Sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key" },
            settings = settings ?? new { },
        });

    private async Task WaitReadyAsync()
    {
        foreach (var service in new[] { Sandbox, Ingestion, Enquire })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Enquire.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Environment.DisposeAsync();
        if (BrokerUsers is not null)
        {
            await BrokerUsers.DisposeAsync();
        }
    }
}
