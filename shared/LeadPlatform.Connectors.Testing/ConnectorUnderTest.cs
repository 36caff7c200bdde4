using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// The connector as its Program.cs composes it (service defaults, then the connector's own registration), hosted
/// in the test process on the fixture's vhost and database, with the pipeline's timings cut down so retries play
/// out in seconds. Watches what it consumes and the outcomes it publishes.
/// </summary>
public sealed class ConnectorUnderTest : IAsyncDisposable
{
    /// <summary>1 s CRM time-out, 3 in-memory tries 50 ms apart, scheduled retries from 0.5 s.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastTimings = new Dictionary<string, string?>
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

    private readonly WebApplication _app;
    private readonly Outcomes _outcomes;

    private ConnectorUnderTest(WebApplication app, Outcomes outcomes)
    {
        _app = app;
        _outcomes = outcomes;
    }

    public IServiceProvider Services => _app.Services;

    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    public static async Task<ConnectorUnderTest> StartAsync(string crm, ConformanceEnvironment environment,
        Action<WebApplicationBuilder> addConnector, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = $"connector-{crm}",
            EnvironmentName = "Test",
            ContentRootPath = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "leadplatform-conformance")).FullName,
        });
        var configuration = new Dictionary<string, string?>(FastTimings)
        {
            ["ConnectionStrings:Postgres"] = environment.PostgresConnectionString,
            ["ConnectionStrings:RabbitMq"] = environment.RabbitMqUri,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort()}");
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        addConnector(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        var outcomes = new Outcomes();
        var bus = app.Services.GetRequiredService<IBus>();
        bus.ConnectPublishObserver(outcomes);
        bus.ConnectConsumeObserver(outcomes);
        var started = new ConnectorUnderTest(app, outcomes);
        await started.UntilReadyAsync();
        return started;
    }

    private async Task UntilReadyAsync()
    {
        var address = _app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
        await Until.TrueAsync(async () =>
        {
            using var response = await http.GetAsync("health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the connector to be ready (broker and database reached)");
    }

    /// <summary>How many LeadConverted messages of the lead the connector has finished consuming.</summary>
    public int Consumed(Guid leadId) => _outcomes.Consumed.GetValueOrDefault(leadId);

    /// <summary>The first LeadDelivered or LeadDeliveryFailed the connector published for the lead, once there is one.</summary>
    public Task<object> OutcomeAsync(Guid leadId, TimeSpan? within = null) =>
        Until.ValueAsync(() => _outcomes.Published.TryGetValue(leadId, out var list) ? list.FirstOrDefault() : null,
            within ?? TimeSpan.FromSeconds(25), $"LeadDelivered or LeadDeliveryFailed of lead {leadId}");

    public IReadOnlyList<object> AllOutcomes(Guid leadId) =>
        _outcomes.Published.TryGetValue(leadId, out var list) ? list.ToArray() : [];

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _app.StopAsync(stop.Token);
        }
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Outcomes : IPublishObserver, IConsumeObserver
    {
        public ConcurrentDictionary<Guid, int> Consumed { get; } = new();
        public ConcurrentDictionary<Guid, ConcurrentQueue<object>> Published { get; } = new();

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            Guid? leadId = context.Message switch
            {
                LeadDelivered delivered => delivered.LeadId,
                LeadDeliveryFailed failed => failed.LeadId,
                _ => null,
            };
            if (leadId is { } id)
            {
                Published.GetOrAdd(id, _ => new ConcurrentQueue<object>()).Enqueue(context.Message);
            }
            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is LeadConverted converted)
            {
                Consumed.AddOrUpdate(converted.LeadId, 1, (_, n) => n + 1);
            }
            return Task.CompletedTask;
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;
        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
