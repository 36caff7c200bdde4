using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// The sandbox, ingestion and one CRM connector (<see cref="TestPlatform"/>), with connector timings cut down (1 s CRM
/// time-out, 3 in-memory tries 50 ms apart, scheduled retries from 0.5 s, a 2 s circuit break) so that outages and
/// retries play out in seconds.
/// </summary>
public sealed class ConnectorPlatform : TestPlatform
{
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

    private readonly Testing.Crm _crm;

    private ConnectorPlatform(TestPlatform started, Testing.Crm crm, ConsumedLeads consumed) : base(started)
    {
        _crm = crm;
        Consumed = consumed;
    }

    public string Crm => _crm.Name;
    public new InProcessService Connector => base.Connector(_crm);
    public ConsumedLeads Consumed { get; }

    public static async Task<ConnectorPlatform> StartAsync(string crm)
    {
        // Only the two senior-living CRMs this platform knows; any other connector (a CRM team's own) proves itself
        // with the conformance kit (LeadPlatform.Connectors.Testing), not by silently testing Enquire.
        var connector = crm switch
        {
            AlisConnector.Name => Testing.Crm.Alis,
            EnquireConnector.Name => Testing.Crm.Enquire,
            _ => throw new ArgumentException($"ConnectorPlatform hosts alis or enquire, not {crm}: derive from ConnectorConformanceSpecs instead", nameof(crm)),
        };
        var started = await Create($"connector{crm}")
            .WithSandbox()
            .WithIngestion(s => s.AsAdmin())
            .WithConnector(connector, s => s.Set(FastTimings))
            .StartAsync();
        var consumed = new ConsumedLeads();
        started.Connector(connector).Services.GetRequiredService<IBus>().ConnectConsumeObserver(consumed);
        return new ConnectorPlatform(started, connector, consumed);
    }

    /// <summary>An integration of this platform's CRM for <paramref name="accountId"/>, pointed at the sandbox.</summary>
    public Task PutIntegrationAsync(string accountId, object? settings = null, IDictionary<string, string>? credentials = null,
        string? endpoint = null) =>
        Admin.PutIntegrationAsync($"{accountId}-{Crm}", new
        {
            accountId,
            crm = Crm,
            endpoint = endpoint ?? new Uri(Sandbox.BaseAddress, _crm.SandboxPath).ToString(),
            credentials = (object?)credentials ?? _crm.SandboxCredentials,
            settings = settings ?? new { },
        });

    /// <summary>Posts a lead to ingestion; its id.</summary>
    public async Task<Guid> PostLeadAsync(object lead)
    {
        using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    /// <summary>The lead's one delivery as ingestion sees it, once it has ended (delivered or failed).</summary>
    public Task<JsonElement> EndedDeliveryAsync(Guid leadId, TimeSpan? timeout = null) => FinishedDeliveryAsync(leadId, timeout);

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
}

/// <summary>Counts the LeadConverted (and LeadUpdated, LeadDelivered) messages a service has finished consuming, by lead.</summary>
public sealed class ConsumedLeads : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _counts = new();
    private readonly ConcurrentDictionary<Guid, int> _updates = new();
    private readonly ConcurrentDictionary<Guid, int> _delivered = new();

    public int Count(Guid leadId) => _counts.GetValueOrDefault(leadId);

    public int Updates(Guid leadId) => _updates.GetValueOrDefault(leadId);

    public int Delivered(Guid leadId) => _delivered.GetValueOrDefault(leadId);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        switch (context.Message)
        {
            case LeadConverted converted:
                _counts.AddOrUpdate(converted.LeadId, 1, (_, n) => n + 1);
                break;
            case LeadUpdated updated:
                _updates.AddOrUpdate(updated.LeadId, 1, (_, n) => n + 1);
                break;
            case LeadDelivered delivered:
                _delivered.AddOrUpdate(delivered.LeadId, 1, (_, n) => n + 1);
                break;
        }
        return Task.CompletedTask;
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
