namespace LeadPlatform.Bench;

/// <summary>
/// Bytes each service allocated, garbage collections it ran and the time they paused it so far, from .NET's
/// <c>System.Runtime</c> meter at <c>/metrics</c>. Read before and after a phase, the difference says what a lead costs
/// the GC in each service, and whether a pause could be a stall the phase's tail shows.
/// </summary>
public static class RuntimeAllocations
{
    private const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string PauseSeconds = "dotnet_gc_pause_time_seconds_total";

    /// <summary>Allocated bytes, collections and seconds paused by service, from one scrape of each service.</summary>
    public static Dictionary<string, (double Bytes, double Collections, double PauseSeconds)> Read(Dictionary<string, List<PrometheusSample>> scrapes) =>
        scrapes.ToDictionary(s => s.Key, s => (Sum(s.Value, AllocatedBytes), Sum(s.Value, Collections), Sum(s.Value, PauseSeconds)));

    private static double Sum(List<PrometheusSample> samples, string name) => samples.Where(m => m.Name == name).Sum(m => m.Value);
}
