using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Testing;

/// <summary>
/// Platform services hosted in the test process on real ports (<see cref="InProcessService"/>), on a RabbitMQ virtual
/// host and a PostgreSQL database of their own, composed with <see cref="Create"/>:
/// <c>TestPlatform.Create("purpose").WithSandbox().WithIngestion(s => s.AsAdmin()).WithConnector(Crm.Enquire).StartAsync()</c>.
/// An area's fixture derives from it to add what only its specs need. Disposed in the reverse order of starting.
/// </summary>
public class TestPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;
    public const string SandboxRole = "sandbox";
    public const string IngestionRole = "ingestion";
    public const string DispositionRole = "disposition";
    public const string NotificationsRole = "notifications";

    private readonly List<(ServiceSetup Setup, InProcessService Service)> _running;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly List<IAsyncDisposable> _owned;
    private readonly string _logDir;

    internal TestPlatform(IsolatedEnvironment environment, BrokerUsers? brokerUsers, IReadOnlyDictionary<string, string?> settings,
        List<IAsyncDisposable> owned, string logDir)
    {
        Environment = environment;
        BrokerUsers = brokerUsers;
        _settings = settings;
        _owned = owned;
        _logDir = logDir;
        _running = [];
    }

    /// <summary>Takes over a started platform: what an area's fixture calls from its constructor.</summary>
    protected TestPlatform(TestPlatform started)
    {
        Environment = started.Environment;
        BrokerUsers = started.BrokerUsers;
        _settings = started._settings;
        _owned = started._owned;
        _logDir = started._logDir;
        _running = started._running;
    }

    public static TestPlatformBuilder Create(string purpose) => new(purpose);

    public IsolatedEnvironment Environment { get; }

    /// <summary>With <see cref="TestPlatformBuilder.WithBrokerUsers"/>: each service connects as its own broker user.</summary>
    public BrokerUsers? BrokerUsers { get; }

    /// <summary>The first running instance of a role (<c>sandbox</c>, <c>connector-enquire</c>, …).</summary>
    public InProcessService Service(string role) => Instances(role).FirstOrDefault()
        ?? throw new InvalidOperationException($"This platform runs no {role}: add it to the builder.");

    /// <summary>Every running instance of a role, in the order they started.</summary>
    public IReadOnlyList<InProcessService> Instances(string role) =>
        _running.Where(r => r.Setup.Role == role).Select(r => r.Service).ToList();

    public InProcessService Sandbox => Service(SandboxRole);
    public InProcessService Ingestion => Service(IngestionRole);
    public InProcessService Disposition => Service(DispositionRole);
    public InProcessService Notifications => Service(NotificationsRole);
    public InProcessService Connector(Crm crm) => Service(crm.Role);
    public SandboxClient SandboxApi => new(Sandbox.Client);

    /// <summary>Another instance of a role, with the same configuration, on the same broker and database (scale-out).</summary>
    public async Task<InProcessService> StartAnotherAsync(string role)
    {
        var another = await StartServiceAsync(Setup(role));
        await WaitReadyAsync(another);
        return another;
    }

    /// <summary>Stops the first instance of a role and starts a fresh one in its place.</summary>
    public async Task<InProcessService> RestartAsync(string role)
    {
        var index = _running.FindIndex(r => r.Setup.Role == role);
        var (setup, old) = _running[index];
        _running.RemoveAt(index);
        await old.DisposeAsync();
        var fresh = await StartServiceAsync(setup);
        // Back in the old one's place, so that it stays the first instance of its role.
        _running.RemoveAt(_running.Count - 1);
        _running.Insert(index, (setup, fresh));
        await WaitReadyAsync(fresh);
        return fresh;
    }

    /// <summary>Stops one instance for good, as when its process is gone.</summary>
    public async Task StopAsync(InProcessService instance)
    {
        _running.RemoveAll(r => ReferenceEquals(r.Service, instance));
        await instance.DisposeAsync();
    }

    /// <summary>Ingestion's admin API, called with the admin key.</summary>
    public IngestionAdmin Admin => new(Ingestion.Client);

    public Task AdminPutAsync(string path, object body) => Admin.PutAsync(path, body);

    public Task PutIntegrationAsync(string id, object integration) => Admin.PutIntegrationAsync(id, integration);

    /// <summary>An integration of <paramref name="crm"/> pointed at its stand-in in this platform's sandbox, with the sandbox's credentials.</summary>
    public Task PutSandboxIntegrationAsync(string id, string accountId, Crm crm, object? settings = null) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = crm.Name,
            endpoint = new Uri(Sandbox.BaseAddress, crm.SandboxPath).ToString(),
            credentials = crm.SandboxCredentials,
            settings = settings ?? new { },
        });

    public Task PutSourceKeyAsync(string source, string key, params string[] accounts) => Admin.PutSourceKeyAsync(source, key, accounts);

    /// <summary>Registers a source's API key for the accounts and sends it on <see cref="Ingestion"/>'s client from then on.</summary>
    public Task UseSourceKeyAsync(string source, string key, params string[] accounts) => Admin.UseSourceKeyAsync(source, key, accounts);

    /// <summary>A new client of ingestion that sends a source's API key (or none).</summary>
    public HttpClient ClientWithKey(string? apiKey) => Ingestion.NewClient("X-Api-Key", apiKey);

    /// <summary>The lead's first delivery as ingestion shows it, once it has ended (delivered or failed).</summary>
    public async Task<JsonElement> FinishedDeliveryAsync(object leadId, TimeSpan? within = null)
    {
        var lead = await Eventually.UntilAsync(
            () => Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() is "delivered" or "failed"),
            within ?? TimeSpan.FromSeconds(20), $"the delivery of lead {leadId} to finish");
        return lead.GetProperty("deliveries")[0];
    }

    /// <summary>Something the platform disposes after its services, before its environment (a data source, say).</summary>
    public T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    internal async Task<InProcessService> StartServiceAsync(ServiceSetup setup)
    {
        var common = Environment.ServiceConfiguration();
        foreach (var (key, value) in _settings)
        {
            common[key] = value;
        }
        var service = await InProcessService.StartAsync(setup.Name, setup.Configuration(this, common),
            b => { b.AddServiceDefaults(); setup.Add(b); },
            a => { a.MapDefaultEndpoints(); setup.Map(a); },
            _logDir);
        setup.SetUp(service.Client);
        _running.Add((setup, service));
        return service;
    }

    internal async Task WaitReadyAsync()
    {
        foreach (var (_, service) in _running)
        {
            await WaitReadyAsync(service);
        }
    }

    private static Task WaitReadyAsync(InProcessService service) =>
        Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");

    private ServiceSetup Setup(string role) => _running.First(r => r.Setup.Role == role).Setup;

    public virtual async ValueTask DisposeAsync()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            await _running[i].Service.DisposeAsync();
        }
        _running.Clear();
        foreach (var resource in _owned)
        {
            await resource.DisposeAsync();
        }
        await Environment.DisposeAsync();
        if (BrokerUsers is not null)
        {
            await BrokerUsers.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
