using System.Collections.Concurrent;
using System.Net.Http.Json;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>
/// Sandbox, ingestion and the Enquire connector as Release processes on a RabbitMQ vhost and PostgreSQL database of
/// the bench's own (<see cref="IsolatedEnvironment"/>, dropped on dispose), with a source key and an Enquire
/// integration registered, and an HTTP client that posts leads as that source.
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    private const string AdminKey = "bench-admin-key-not-for-production";
    private const string ApiKey = "bench-roobrik-api-key-0001";
    public const string AccountId = "bench-account";
    public const string IntegrationId = "bench-enquire";

    /// <summary>The platforms not yet disposed, for <see cref="BenchInterruption"/>.</summary>
    private static readonly ConcurrentDictionary<BenchPlatform, byte> Running = new();

    private readonly Dictionary<string, string?> _config;
    private readonly string _logDir;
    // One disposal, however many ask for it (the run's end and an interruption): each awaits the same one.
    private readonly Lazy<Task> _disposal;

    private BenchPlatform(IsolatedEnvironment environment, Dictionary<string, string?> config, string logDir)
    {
        Environment = environment;
        Db = environment.CreateDataSource();
        _config = config;
        _logDir = logDir;
        _disposal = new Lazy<Task>(StopAsync);
        Running[this] = 0;
    }

    public IsolatedEnvironment Environment { get; }
    public NpgsqlDataSource Db { get; }
    public List<ServiceProcess> Services { get; } = [];
    public HttpClient Leads { get; private set; } = null!;

    /// <summary>The running connector instances (the first, and any started by <see cref="StartConnectorAsync"/>).</summary>
    public List<ServiceProcess> Connectors => Services.Where(s => s.Name.StartsWith("connector-", StringComparison.Ordinal)).ToList();

    /// <summary>Started and registered; <paramref name="settings"/> are added to every service's configuration.</summary>
    public static async Task<BenchPlatform> StartAsync(string purpose, int? connectorConcurrency, IDictionary<string, string>? settings = null,
        bool allConnectors = false, bool allServices = false)
    {
        // Emptied first: an interruption drops only environments a platform holds, so the platform follows its environment at once.
        var logDir = FreshLogDir(purpose);
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;
        if (connectorConcurrency is { } concurrency)
        {
            config["Connector:ConcurrentMessageLimit"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
            config["Connector:PrefetchCount"] = (2 * concurrency).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }
        var platform = new BenchPlatform(environment, config, logDir);
        try
        {
            await platform.RegisterAsync(allConnectors, allServices);
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
        return platform;
    }

    /// <summary>
    /// The services' log directory, emptied: each run keeps only its own logs. When the connector logged a line per
    /// delivered lead, a day of runs appended came to 3.7 GB.
    /// </summary>
    private static string FreshLogDir(string purpose)
    {
        var dir = RepoPaths.LogDir(purpose);
        foreach (var log in Directory.EnumerateFiles(dir, "*.log"))
        {
            File.Delete(log);
        }
        return dir;
    }

    private async Task RegisterAsync(bool allConnectors, bool allServices)
    {
        var sandbox = await StartServiceAsync("sandbox", "services/Sandbox", "LeadPlatform.Sandbox");
        var ingestion = await StartServiceAsync("ingestion", "services/Ingestion", "LeadPlatform.Ingestion");
        await StartConnectorAsync("connector-enquire");
        if (allConnectors)
        {
            // Named apart from the Enquire instances (Connectors): nothing is planned for them, as for a CRM deployed
            // beside the one a lead goes to.
            foreach (var crm in new[] { "Alis", "Salesforce", "HubSpot", "Adf" })
            {
                await StartServiceAsync($"idle-connector-{crm.ToLowerInvariant()}", $"services/Connectors/{crm}", $"LeadPlatform.Connectors.{crm}");
            }
        }
        if (allServices)
        {
            // The bench's integration has no notification recipients (no email is sent) and nothing to poll.
            await StartServiceAsync("disposition", "services/Disposition", "LeadPlatform.Disposition");
            await StartServiceAsync("notifications", "services/Notifications", "LeadPlatform.Notifications");
        }
        await AdminPutAsync(ingestion.Client, "v1/source-keys/roobrik", new { key = ApiKey, accounts = new[] { AccountId } });
        await AdminPutAsync(ingestion.Client, $"v1/integrations/{IntegrationId}", new
        {
            accountId = AccountId,
            crm = "enquire",
            endpoint = new Uri(sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new { subscriptionKey = "sandbox-enquire-key" },
        });
        Leads = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
        {
            BaseAddress = ingestion.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Leads.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    /// <summary>Another instance of the Enquire connector (competing on the same queue), e.g. "connector-enquire-2".</summary>
    public Task<ServiceProcess> StartConnectorAsync(string name) =>
        StartServiceAsync(name, "services/Connectors/Enquire", "LeadPlatform.Connectors.Enquire");

    public async Task StopAsync(ServiceProcess service)
    {
        Services.Remove(service);
        await service.DisposeAsync();
    }

    private async Task<ServiceProcess> StartServiceAsync(string name, string dir, string assembly)
    {
        var service = await ServiceProcess.StartAsync(name, dir, assembly, _config, _logDir);
        Services.Add(service);
        return service;
    }

    private static async Task AdminPutAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every platform not yet disposed, disposed.</summary>
    public static async Task DisposeRunningAsync()
    {
        foreach (var platform in Running.Keys)
        {
            await platform.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(_disposal.Value);

    private async Task StopAsync()
    {
        foreach (var service in Services.ToArray()) // an interruption may come while the run adds a connector
        {
            await service.DisposeAsync();
        }
        Leads?.Dispose();
        await Db.DisposeAsync();
        await Environment.DisposeAsync();
        Running.TryRemove(this, out _);
    }
}
