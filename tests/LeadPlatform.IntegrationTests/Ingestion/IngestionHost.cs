using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Ingestion;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>
/// Ingestion alone (one or more instances on the same database and vhost), with a tap queue on the
/// <c>LeadConverted</c> exchange so tests count what was published. No connectors: deliveries stay planned.
/// </summary>
public sealed class IngestionHost : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;
    public const string TapQueue = "test-tap-lead-converted";
    public const string LeadConvertedExchange = "LeadPlatform.Contracts:LeadConverted";

    private readonly List<InProcessService> _instances = [];
    private readonly List<Guid> _seen = [];
    private readonly Dictionary<Guid, JsonElement> _published = [];

    public required IsolatedEnvironment Environment { get; init; }
    public required BrokerTap Tap { get; init; }
    public InProcessService Ingestion => _instances[0];
    public IReadOnlyList<InProcessService> Instances => _instances;

    /// <param name="rabbitThrough">A proxy in front of RabbitMQ the instances connect through (to cut the broker away).</param>
    public static async Task<IngestionHost> StartAsync(string purpose, int instances = 1, TcpProxy? rabbitThrough = null,
        IDictionary<string, string?>? settings = null)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var host = new IngestionHost { Environment = environment, Tap = new BrokerTap(environment.Name) };
        await host.Tap.BindAsync(LeadConvertedExchange, TapQueue);
        var rabbitMqUri = rabbitThrough is null ? null
            : environment.RabbitMqUri.Replace($":{TestServers.RabbitPort}/", $":{rabbitThrough.Port}/", StringComparison.Ordinal);
        for (var i = 0; i < instances; i++)
        {
            await host.AddInstanceAsync(rabbitMqUri, settings);
        }
        return host;
    }

    public async Task<InProcessService> AddInstanceAsync(string? rabbitMqUri = null, IDictionary<string, string?>? settings = null)
    {
        var config = Environment.ServiceConfiguration();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        config["Admin:Key"] = AdminKey;
        if (rabbitMqUri is not null)
        {
            config["ConnectionStrings:RabbitMq"] = rabbitMqUri;
        }
        var instance = await InProcessService.StartAsync($"ingestion-{Environment.Name[3..12]}-{_instances.Count}", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        _instances.Add(instance);
        await Eventually.UntilAsync(async () => (await instance.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "ingestion to be ready");
        return instance;
    }

    public HttpClient ClientWithKey(string? apiKey) => Ingestion.NewClient("X-Api-Key", apiKey);

    public Task PutSourceKeyAsync(string source, string key, params string[] accounts) =>
        AdminPutAsync($"v1/source-keys/{source}", new { key, accounts });

    public Task PutIntegrationAsync(string id, object integration) => AdminPutAsync($"v1/integrations/{id}", integration);

    public Task PutProgramRuleAsync(string id, object rule) => AdminPutAsync($"v1/program-rules/{id}", rule);

    private async Task AdminPutAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every LeadConverted published so far, by message id; a message id seen twice fails the test.</summary>
    public async Task<IReadOnlyDictionary<Guid, JsonElement>> PublishedAsync()
    {
        foreach (var delivered in await Tap.TakeAsync(TapQueue))
        {
            _seen.Add(delivered.MessageId);
            _published[delivered.MessageId] = delivered.Message;
        }
        var twice = _seen.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.That(twice, Is.Empty, "LeadConverted messages published more than once");
        return _published;
    }

    /// <summary>The LeadConverted messages of one lead, waiting until at least one arrived.</summary>
    public async Task<IReadOnlyList<JsonElement>> PublishedForAsync(Guid leadId, TimeSpan? timeout = null) =>
        await Eventually.UntilAsync(
            async () => (await PublishedAsync()).Values.Where(m => m.GetProperty("leadId").GetGuid() == leadId).ToList(),
            found => found.Count > 0, timeout ?? TimeSpan.FromSeconds(15), $"LeadConverted for {leadId}");

    public async Task<(long Leads, long Outbox)> CountsAsync()
    {
        await using var dataSource = Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>(
            "select (select count(*) from ingestion.lead), (select count(*) from ingestion.outbox)");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await Environment.DisposeAsync();
    }
}
