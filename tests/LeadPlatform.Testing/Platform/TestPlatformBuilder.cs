using LeadPlatform.Disposition;
using LeadPlatform.Ingestion;
using LeadPlatform.Notifications;
using LeadPlatform.Sandbox;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.Testing;

/// <summary>
/// Composes a <see cref="TestPlatform"/>: the services a fixture needs, each with the configuration it differs in,
/// on an <see cref="IsolatedEnvironment"/> of its own. Services start in the order they are added.
/// </summary>
public sealed class TestPlatformBuilder
{
    /// <summary>Connector timings that let retries and give-ups play out in seconds (production waits minutes).</summary>
    public static readonly IReadOnlyDictionary<string, string?> QuickConnector = new Dictionary<string, string?>
    {
        ["Connector:RequestTimeout"] = "00:00:02",
        ["Connector:RetryBaseDelay"] = "00:00:01",
        ["Connector:RetryPollInterval"] = "00:00:00.500",
        ["Connector:Lease"] = "00:00:10",
    };

    private readonly string _purpose;
    private readonly List<ServiceSetup> _services = [];
    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<IAsyncDisposable> _owned = [];
    private ServerEndpoints? _servers;
    private bool _brokerUsers;

    internal TestPlatformBuilder(string purpose) => _purpose = purpose;

    /// <summary>On other servers than the shared ones (private servers a fault test stops and starts).</summary>
    public TestPlatformBuilder On(ServerEndpoints servers)
    {
        _servers = servers;
        return this;
    }

    /// <summary>Configuration every service gets.</summary>
    public TestPlatformBuilder WithSettings(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
        return this;
    }

    /// <summary>Each service connects as its own user of <c>build/broker-users.sh</c> (the production permissions).</summary>
    public TestPlatformBuilder WithBrokerUsers()
    {
        _brokerUsers = true;
        return this;
    }

    /// <summary>Something the platform disposes after its services, before its environment (an SMTP server, say).</summary>
    public TestPlatformBuilder Owning(IAsyncDisposable resource)
    {
        _owned.Add(resource);
        return this;
    }

    public TestPlatformBuilder WithSandbox(Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(TestPlatform.SandboxRole, b => b.AddSandbox(), a => a.MapSandbox()), setup);

    public TestPlatformBuilder WithIngestion(Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(TestPlatform.IngestionRole, b => b.AddIngestion(), a => a.MapIngestion()), setup);

    public TestPlatformBuilder WithDisposition(Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(TestPlatform.DispositionRole, b => b.AddDisposition(), a => a.MapDisposition()), setup);

    /// <summary>Notifications mailing through <paramref name="relay"/> (a local SMTP server the platform then owns).</summary>
    public TestPlatformBuilder WithNotifications(LocalSmtpServer relay, Action<ServiceSetup>? setup = null) =>
        Owning(relay).WithNotifications(relay.Port, setup);

    /// <summary>Notifications mailing through the plain-text SMTP server on 127.0.0.1:<paramref name="smtpPort"/>.</summary>
    public TestPlatformBuilder WithNotifications(int smtpPort, Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(TestPlatform.NotificationsRole, b => b.AddNotifications(), a => a.MapNotifications())
            .Set("Notifications:Smtp:Host", "127.0.0.1")
            .Set("Notifications:Smtp:Port", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Notifications:Smtp:Tls", "none"), setup);

    /// <summary>A connector with <see cref="QuickConnector"/> timings.</summary>
    public TestPlatformBuilder WithConnector(Crm crm, Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(crm.Role, crm.Add, _ => { }).Set(QuickConnector), setup);

    /// <summary>Any other service (the console, say), hosted the same way.</summary>
    public TestPlatformBuilder WithService(string role, Action<WebApplicationBuilder> add, Action<WebApplication> map, Action<ServiceSetup>? setup = null) =>
        With(new ServiceSetup(role, add, map), setup);

    /// <summary>Runs <paramref name="setup"/> on every service added so far and later (an in-memory span exporter, say).</summary>
    public TestPlatformBuilder ForEveryService(Action<ServiceSetup> setup)
    {
        _everyService.Add(setup);
        return this;
    }

    private readonly List<Action<ServiceSetup>> _everyService = [];

    private TestPlatformBuilder With(ServiceSetup service, Action<ServiceSetup>? setup)
    {
        setup?.Invoke(service);
        _services.Add(service);
        return this;
    }

    public async Task<TestPlatform> StartAsync()
    {
        var environment = _servers is null
            ? await IsolatedEnvironment.CreateAsync(_purpose)
            : await IsolatedEnvironment.CreateAsync(_purpose, _servers);
        var platform = new TestPlatform(environment, _brokerUsers ? await BrokerUsers.CreateAsync(environment) : null,
            _settings, _owned, RepoPaths.LogDir(Path.Combine("in-process", _purpose)));
        try
        {
            foreach (var service in _services)
            {
                _everyService.ForEach(setup => setup(service));
                await platform.StartServiceAsync(service);
            }
            await platform.WaitReadyAsync();
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
        return platform;
    }
}
