using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.Testing;

/// <summary>
/// One service of a <see cref="TestPlatform"/>: how it is composed (as its Program.cs composes it), the configuration it
/// gets on top of the environment's, and how a test's client of it is set up.
/// </summary>
public sealed class ServiceSetup
{
    private readonly Dictionary<string, Func<TestPlatform, string?>> _settings = [];
    private readonly List<Action<HttpClient>> _clientSetup = [];

    internal ServiceSetup(string role, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        Role = role;
        Name = role;
        Add = add;
        Map = map;
    }

    /// <summary>What the platform calls it (<c>sandbox</c>, <c>ingestion</c>, <c>connector-enquire</c>, …).</summary>
    public string Role { get; }

    /// <summary>The application name: its telemetry's <c>service.name</c> and its log file.</summary>
    public string Name { get; private set; }

    internal Action<WebApplicationBuilder> Add { get; private set; }
    internal Action<WebApplication> Map { get; }

    public ServiceSetup Named(string name)
    {
        Name = name;
        return this;
    }

    public ServiceSetup Set(string key, string? value) => Set(key, _ => value);

    /// <summary>A setting that depends on the services started before this one (an address, say).</summary>
    public ServiceSetup Set(string key, Func<TestPlatform, string?> value)
    {
        _settings[key] = value;
        return this;
    }

    public ServiceSetup Set(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        foreach (var (key, value) in settings ?? [])
        {
            Set(key, value);
        }
        return this;
    }

    /// <summary>Leaves a setting to the service's own default.</summary>
    public ServiceSetup Unset(string key)
    {
        _settings[key] = _ => null;
        return this;
    }

    /// <summary>The test's client of it sends the admin key on every request.</summary>
    public ServiceSetup AsAdmin() => WithClient(c => c.DefaultRequestHeaders.Add("X-Admin-Key", TestPlatform.AdminKey));

    public ServiceSetup WithClient(Action<HttpClient> setup)
    {
        _clientSetup.Add(setup);
        return this;
    }

    /// <summary>More registrations after the service's own (an in-memory exporter, say).</summary>
    public ServiceSetup AlsoAdd(Action<WebApplicationBuilder> add)
    {
        var own = Add;
        Add = b => { own(b); add(b); };
        return this;
    }

    internal Dictionary<string, string?> Configuration(TestPlatform platform, IDictionary<string, string?> common)
    {
        var config = new Dictionary<string, string?>(common);
        foreach (var (key, value) in _settings)
        {
            if (value(platform) is { } text)
            {
                config[key] = text;
            }
            else
            {
                config.Remove(key);
            }
        }
        // Its own broker user of build/broker-users.sh when the platform has them; the sandbox has none.
        if (platform.BrokerUsers is { } users && BrokerUsers.Roles.Contains(Role))
        {
            config["ConnectionStrings:RabbitMq"] = users.Uri(Role);
        }
        return config;
    }

    internal void SetUp(HttpClient client)
    {
        foreach (var setup in _clientSetup)
        {
            setup(client);
        }
    }
}
