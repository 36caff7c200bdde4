using System.Collections;
using System.Diagnostics;
using System.Net.Http.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Ingestion;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>
/// Ingestion, the Enquire connector and the sandbox hosted in-process like <c>InProcessPlatform</c>, each with an
/// in-memory span exporter behind the service's own processors (so what is collected is what OTLP would send).
/// Activity listeners are process-wide, so every host's provider sees every span: <see cref="Spans"/> deduplicates.
/// </summary>
public sealed class ObservedPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;

    private readonly List<SpanBuffer> _buffers = [];

    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService Enquire { get; init; }
    public SandboxClient SandboxApi => new(Sandbox.Client);

    /// <summary>Every finished span collected so far, once each.</summary>
    public IReadOnlyList<Activity> Spans =>
        _buffers.SelectMany(b => b.Snapshot()).DistinctBy(a => (a.TraceId, a.SpanId)).ToList();

    /// <param name="serviceSettings">Configuration every service gets (an OTLP endpoint, say).</param>
    public static async Task<ObservedPlatform> StartAsync(string purpose, IDictionary<string, string?>? connectorSettings = null,
        IDictionary<string, string?>? serviceSettings = null)
    {
        var buffers = new List<SpanBuffer>();
        void Traced(WebApplicationBuilder b)
        {
            var buffer = new SpanBuffer();
            buffers.Add(buffer);
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(buffer));
        }

        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;
        foreach (var (key, value) in serviceSettings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        var sandbox = await InProcessService.StartAsync("sandbox", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); Traced(b); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync("ingestion", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); Traced(b); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(config)
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
            b => { b.AddServiceDefaults(); b.AddConnector<EnquireConnector>(EnquireConnector.Name); Traced(b); },
            a => a.MapDefaultEndpoints());

        var platform = new ObservedPlatform { Environment = environment, Sandbox = sandbox, Ingestion = ingestion, Enquire = enquire };
        platform._buffers.AddRange(buffers);
        foreach (var service in new[] { sandbox, ingestion, enquire })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        return platform;
    }

    /// <summary>An Enquire integration for the account, pointed at this platform's sandbox.</summary>
    public async Task PutEnquireIntegrationAsync(string id, string accountId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{id}")
        {
            Content = JsonContent.Create(new
            {
                accountId,
                crm = "enquire",
                endpoint = new Uri(Sandbox.BaseAddress, "enquire/v1").ToString(),
                credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key" },
                settings = new { relationshipTypes = new[] { "Child", "Spouse", "Other" } },
            }),
        };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Posts leads with the admin key, which ingestion accepts for every source (so these specs need no source API
    /// keys; without API keys configured the header is simply ignored).
    /// </summary>
    public HttpClient Leads => _leads ??= AdminClient();
    private HttpClient? _leads;

    /// <summary>A client of the admin ops API with the admin key set.</summary>
    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = Ingestion.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    public static object Lead(string source, string sourceLeadId, string accountId, string email,
        string firstName = "Zelda", string lastName = "Quimby", string? phone = null, string? contactPhone = null) => new
        {
            source,
            sourceLeadId,
            accountId,
            conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            // Enquire matches people by email or phone: leads of different people need different phones.
            prospect = new { firstName, lastName, email, phone = phone ?? RandomPhone() },
            contact = new { firstName = "Ottilie", lastName = lastName + "son", email = "contact." + email, phone = contactPhone ?? RandomPhone(), relationship = "daughter" },
            survey = new { name = "Senior Living Fit", outcome = "Assisted Living", notes = "Prefers mornings, lives near the lake" },
            comments = "Call after 5pm about the lake view room",
        };

    private static string RandomPhone() => $"555-{Random.Shared.Next(1000, 10000)}-{Random.Shared.Next(1000, 10000)}";

    public async ValueTask DisposeAsync()
    {
        _leads?.Dispose();
        await Enquire.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Environment.DisposeAsync();
    }

    /// <summary>The exporter appends from several threads; tests read snapshots.</summary>
    private sealed class SpanBuffer : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];

        public Activity[] Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(Activity item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public int Count => Snapshot().Length;
        public bool IsReadOnly => false;
        public bool Contains(Activity item) => Snapshot().Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
        public bool Remove(Activity item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
