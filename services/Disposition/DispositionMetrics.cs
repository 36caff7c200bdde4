using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Disposition;

/// <summary>
/// Dispositions coming back from CRMs, by provider: for the Disposition service to call when it applies a
/// status or activity (<see cref="Applied"/>) or keeps a raw value no mapping covers (<see cref="Unmapped"/>).
/// </summary>
public static class DispositionMetrics
{
    private static readonly System.Diagnostics.Metrics.Counter<long> AppliedCounter =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.dispositions.applied", description: "Dispositions applied to their lead");
    private static readonly System.Diagnostics.Metrics.Counter<long> UnmappedCounter =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.dispositions.unmapped", description: "Raw disposition values no mapping covers");

    /// <param name="kind"><c>status</c> or <c>activity</c>.</param>
    public static void Applied(string provider, string kind) =>
        AppliedCounter.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind));

    /// <param name="kind"><c>status</c> or <c>activity</c>. The raw value itself is not a tag: it is free text.</param>
    public static void Unmapped(string provider, string kind) =>
        UnmappedCounter.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind));
}
