using System.Collections;
using System.Diagnostics;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>
/// Ingestion, the Enquire connector and the sandbox (<see cref="TestPlatform"/>), each with an in-memory span exporter
/// behind the service's own processors (so what is collected is what OTLP would send). Activity listeners are
/// process-wide, so every host's provider sees every span: <see cref="Spans"/> deduplicates.
/// </summary>
public sealed class ObservedPlatform : TestPlatform
{
    private readonly List<SpanBuffer> _buffers;

    private ObservedPlatform(TestPlatform started, List<SpanBuffer> buffers) : base(started) => _buffers = buffers;

    public InProcessService Enquire => Connector(Crm.Enquire);

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

        var started = await Create(purpose)
            // Spans are recorded for the in-memory exporter as they would be for an OTLP endpoint.
            .WithSettings(new Dictionary<string, string?> { ["Telemetry:RecordSpans"] = "true" })
            .WithSettings(serviceSettings)
            .WithSandbox()
            .WithIngestion()
            .WithConnector(Crm.Enquire, s => s.Set(connectorSettings))
            .ForEveryService(s => s.AlsoAdd(Traced))
            .StartAsync();
        return new ObservedPlatform(started, buffers);
    }

    /// <summary>An Enquire integration for the account, pointed at this platform's sandbox.</summary>
    public Task PutEnquireIntegrationAsync(string id, string accountId) =>
        PutSandboxIntegrationAsync(id, accountId, Crm.Enquire, new { relationshipTypes = new[] { "Child", "Spouse", "Other" } });

    /// <summary>
    /// Posts leads with the admin key, which ingestion accepts for every source (so these specs need no source API
    /// keys; without API keys configured the header is simply ignored).
    /// </summary>
    public HttpClient Leads => _leads ??= AdminClient();
    private HttpClient? _leads;

    /// <summary>A client of the admin ops API with the admin key set.</summary>
    public HttpClient AdminClient() => Ingestion.NewClient("X-Admin-Key", AdminKey);

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

    public override async ValueTask DisposeAsync()
    {
        _leads?.Dispose();
        await base.DisposeAsync();
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
