namespace LeadPlatform.Bench;

/// <summary>What a service's garbage collector has done so far: bytes allocated, collections run, seconds paused.</summary>
public sealed record GcReading(double AllocatedBytes, double Collections, double PauseSeconds)
{
    public GcReading Since(GcReading earlier) =>
        new(AllocatedBytes - earlier.AllocatedBytes, Collections - earlier.Collections, PauseSeconds - earlier.PauseSeconds);
}

/// <summary>
/// Each service's <see cref="GcReading"/>, from .NET's <c>System.Runtime</c> meter at <c>/metrics</c>. Read before and
/// after a phase, the difference says what a lead costs the GC in each service, and whether a pause could be a stall
/// the phase's tail shows.
/// </summary>
public static class RuntimeGc
{
    private const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string PauseSeconds = "dotnet_gc_pause_time_seconds_total";

    /// <summary>Each service's reading, from one scrape of each service.</summary>
    public static Dictionary<string, GcReading> Read(Dictionary<string, List<PrometheusSample>> scrapes) =>
        scrapes.ToDictionary(s => s.Key, s => new GcReading(Sum(s.Value, AllocatedBytes), Sum(s.Value, Collections), Sum(s.Value, PauseSeconds)));

    private static double Sum(List<PrometheusSample> samples, string name) => samples.Where(m => m.Name == name).Sum(m => m.Value);
}
