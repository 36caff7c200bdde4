using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;
using LeadPlatform.Integrations;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// The sandbox, ingestion and one CRM connector in the test process, on a vhost and database of their own, with
/// connector timings cut down (1 s CRM time-out, 3 in-memory tries 50 ms apart, scheduled retries from 0.5 s,
/// a 2 s circuit break) so that outages and retries play out in seconds.
/// </summary>
public sealed class ConnectorPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;

    public required string Crm { get; init; }
    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService Connector { get; init; }
    public required ConsumedLeads Consumed { get; init; }
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static readonly Dictionary<string, string?> FastTimings = new()
    {
        ["Connector:RequestTimeout"] = "00:00:01",
        ["Connector:InMemoryAttempts"] = "3",
        ["Connector:InMemoryBaseDelay"] = "00:00:00.050",
        ["Connector:MaxInMemoryWait"] = "00:00:05",
        ["Connector:RetryBaseDelay"] = "00:00:00.500",
        ["Connector:MaxRetryDelay"] = "00:00:02",
        ["Connector:RetryPollInterval"] = "00:00:00.250",
        ["Connector:CircuitBreakerFailures"] = "5",
        ["Connector:CircuitBreakDuration"] = "00:00:02",
        ["Connector:Lease"] = "00:00:10",
    };

    public static async Task<ConnectorPlatform> StartAsync(string crm)
    {
        if (crm is not (AlisConnector.Name or EnquireConnector.Name))
        {
            throw new ArgumentException($"ConnectorPlatform hosts alis or enquire, not {crm}: derive from ConnectorConformanceSpecs instead", nameof(crm));
        }
        var environment = await IsolatedEnvironment.CreateAsync($"connector{crm}");
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;

        var sandbox = await InProcessService.StartAsync($"{crm}-sandbox", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync($"{crm}-ingestion", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(config);
        foreach (var (key, value) in FastTimings)
        {
            connectorConfig[key] = value;
        }
        var connector = await InProcessService.StartAsync($"connector-{crm}", connectorConfig,
            b =>
            {
                b.AddServiceDefaults();
                // Only the two senior-living CRMs this platform knows; any other connector (a CRM team's own)
                // proves itself with the conformance kit (LeadPlatform.Connectors.Testing), not by silently testing Enquire.
                _ = crm switch
                {
                    AlisConnector.Name => b.AddConnector<AlisConnector>(AlisConnector.Name),
                    EnquireConnector.Name => b.AddConnector<EnquireConnector>(EnquireConnector.Name),
                    _ => throw new UnreachableException(),
                };
            },
            a => a.MapDefaultEndpoints());
        var consumed = new ConsumedLeads();
        connector.Services.GetRequiredService<IBus>().ConnectConsumeObserver(consumed);

        // Tests submit as a trusted caller: the admin key is accepted on the lead endpoints like a source key.
        ingestion.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var platform = new ConnectorPlatform
        {
            Crm = crm, Environment = environment, Sandbox = sandbox, Ingestion = ingestion, Connector = connector, Consumed = consumed,
        };
        foreach (var service in new[] { sandbox, ingestion, connector })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        return platform;
    }

    /// <summary>An integration of this platform's CRM for <paramref name="accountId"/>, pointed at the sandbox.</summary>
    public async Task PutIntegrationAsync(string accountId, object? settings = null, IDictionary<string, string>? credentials = null,
        string? endpoint = null)
    {
        var integration = new
        {
            accountId,
            crm = Crm,
            endpoint = endpoint ?? new Uri(Sandbox.BaseAddress, Crm == AlisConnector.Name ? "alis/v1" : "enquire/v1").ToString(),
            credentials = credentials ?? (Crm == AlisConnector.Name
                ? new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "sandbox-alis-password" }
                : new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key" }),
            settings = settings ?? new { },
        };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{accountId}-{Crm}") { Content = JsonContent.Create(integration) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a lead to ingestion; its id.</summary>
    public async Task<Guid> PostLeadAsync(object lead)
    {
        using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    /// <summary>The lead's one delivery as ingestion sees it, once it has ended (delivered or failed).</summary>
    public Task<JsonElement> EndedDeliveryAsync(Guid leadId, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            async () => (await Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}")).GetProperty("deliveries")[0],
            d => d.GetProperty("state").GetString() is "delivered" or "failed",
            timeout ?? TimeSpan.FromSeconds(20), $"the delivery of {leadId} to end");

    public async Task<LedgerEntry> LedgerAsync(Guid leadId)
    {
        await using var dataSource = Environment.CreateDataSource();
        return await new DeliveryLedger(dataSource).FindAsync(leadId, (await DeliveryKeyAsync(dataSource, leadId)), CancellationToken.None)
            ?? throw new AssertionException($"no ledger row for {leadId}");
    }

    /// <summary>The LeadConverted exactly as the connector received it (the ledger keeps it).</summary>
    public async Task<LeadConverted> ConvertedMessageAsync(Guid leadId) =>
        JsonSerializer.Deserialize<LeadConverted>((await LedgerAsync(leadId)).Message, JsonDefaults.Options)!;

    private static async Task<string> DeliveryKeyAsync(Npgsql.NpgsqlDataSource dataSource, Guid leadId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>("select integration_id from delivery.ledger where lead_id = @leadId", new { leadId });
    }

    public async ValueTask DisposeAsync()
    {
        await Connector.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Environment.DisposeAsync();
    }
}

/// <summary>Counts the LeadConverted messages the connector has finished consuming, by lead.</summary>
public sealed class ConsumedLeads : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _counts = new();

    public int Count(Guid leadId) => _counts.GetValueOrDefault(leadId);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is LeadConverted converted)
        {
            _counts.AddOrUpdate(converted.LeadId, 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
