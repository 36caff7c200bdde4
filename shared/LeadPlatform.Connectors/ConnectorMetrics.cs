using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Connectors;

/// <summary>Delivery counts, acceptance-to-delivery latency and circuit state, by CRM.</summary>
public static class ConnectorMetrics
{
    private static readonly Counter<long> Succeeded =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.deliveries.succeeded", description: "Deliveries that reached their CRM");
    private static readonly Counter<long> Failed =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.deliveries.failed", description: "Deliveries given up, permanently or after retries");
    private static readonly Counter<long> Retried =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.deliveries.retried", description: "Tries of a delivery after its first");
    private static readonly Histogram<double> Latency =
        LeadPlatformTelemetry.Meter.CreateHistogram<double>("leadplatform.delivery.latency", unit: "ms", description: "Acceptance to delivery");

    /// <summary>1 while the integration's circuit is open (the CRM is not being called), else 0.</summary>
    private static readonly ConcurrentDictionary<(string Crm, string IntegrationId), int> Circuits = new();

    static ConnectorMetrics() =>
        LeadPlatformTelemetry.Meter.CreateObservableGauge("leadplatform.circuit.open", () =>
            Circuits.Select(c => new Measurement<int>(c.Value,
                new KeyValuePair<string, object?>(LeadTags.Crm, c.Key.Crm),
                new KeyValuePair<string, object?>(LeadTags.IntegrationId, c.Key.IntegrationId))));

    public static void Delivered(string crm, TimeSpan sinceAcceptance)
    {
        Succeeded.Add(1, new KeyValuePair<string, object?>(LeadTags.Crm, crm));
        Latency.Record(sinceAcceptance.TotalMilliseconds, new KeyValuePair<string, object?>(LeadTags.Crm, crm));
    }

    public static void GaveUp(string crm, bool permanent) =>
        Failed.Add(1, new KeyValuePair<string, object?>(LeadTags.Crm, crm), new KeyValuePair<string, object?>("permanent", permanent));

    public static void Retry(string crm) => Retried.Add(1, new KeyValuePair<string, object?>(LeadTags.Crm, crm));

    public static void Circuit(string crm, string integrationId, bool open) => Circuits[(crm, integrationId)] = open ? 1 : 0;
}
