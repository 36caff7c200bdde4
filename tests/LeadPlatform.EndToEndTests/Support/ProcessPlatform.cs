using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Support;

/// <summary>
/// The platform as it runs in production: each service its own process, on a RabbitMQ virtual host and a
/// database of this fixture's own, talking real HTTP to the CRM sandbox.
/// </summary>
public sealed class ProcessPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;

    private readonly List<ServiceProcess> _services = [];

    public required IsolatedEnvironment Environment { get; init; }
    public required string LogDir { get; init; }

    public ServiceProcess Service(string name) => _services.Single(s => s.Name == name);
    public ServiceProcess Sandbox => Service("sandbox");
    public ServiceProcess Ingestion => Service("ingestion");
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static async Task<ProcessPlatform> CreateAsync(string purpose) =>
        new() { Environment = await IsolatedEnvironment.CreateAsync(purpose), LogDir = RepoPaths.LogDir($"e2e-{purpose}") };

    /// <summary>On other servers than the shared ones (fault tests that stop and start their own).</summary>
    public static async Task<ProcessPlatform> CreateAsync(string purpose, ServerEndpoints servers) =>
        new() { Environment = await IsolatedEnvironment.CreateAsync(purpose, servers), LogDir = RepoPaths.LogDir($"e2e-{purpose}") };

    public Dictionary<string, string?> BaseConfiguration()
    {
        var config = Environment.ServiceConfiguration();
        config["Bus:Watchdog:Enabled"] = "true";
        foreach (var (key, value) in TestPlatformBuilder.QuickConnector)
        {
            config[key] = value;
        }
        // Production backs off up to 15 min; capped here so a test sees delivery soon after a CRM outage ends.
        config["Connector:MaxRetryDelay"] = "00:00:15";
        return config;
    }

    public async Task<ServiceProcess> StartAsync(string name, string projectDir, string assembly, IDictionary<string, string?>? extra = null)
    {
        var config = BaseConfiguration();
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        var service = await ServiceProcess.StartAsync(name, projectDir, assembly, config, LogDir);
        _services.Add(service);
        return service;
    }

    public Task<ServiceProcess> StartSandboxAsync() => StartAsync("sandbox", "services/Sandbox", "LeadPlatform.Sandbox");
    public async Task<ServiceProcess> StartIngestionAsync()
    {
        var ingestion = await StartAsync("ingestion", "services/Ingestion", "LeadPlatform.Ingestion");
        // Tests submit as a trusted caller: the admin key is accepted on the lead endpoints like a source key.
        ingestion.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return ingestion;
    }
    public async Task<ServiceProcess> StartDispositionAsync()
    {
        var disposition = await StartAsync("disposition", "services/Disposition", "LeadPlatform.Disposition");
        disposition.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return disposition;
    }
    public Task<ServiceProcess> StartEnquireAsync() => StartAsync("connector-enquire", "services/Connectors/Enquire", "LeadPlatform.Connectors.Enquire");

    /// <summary>Marks in every service's log where the current test begins, when a fixture's tests share the services.</summary>
    public void NoteTestBegins()
    {
        foreach (var service in _services)
        {
            service.Note($"{TestContext.CurrentContext.Test.FullName} begins at {DateTime.UtcNow:O}");
        }
    }

    public Task PutIntegrationAsync(string id, object integration) => new IngestionAdmin(Ingestion.Client).PutIntegrationAsync(id, integration);

    /// <summary>Registers the API key of a source for the accounts and sends it on <see cref="Ingestion"/>'s client from then on.</summary>
    public Task UseSourceKeyAsync(string source, string key, params string[] accounts) =>
        new IngestionAdmin(Ingestion.Client).UseSourceKeyAsync(source, key, accounts);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services.AsEnumerable().Reverse())
        {
            await service.DisposeAsync();
        }
        await Environment.DisposeAsync();
    }
}
