namespace LeadPlatform.Bench;

/// <summary>
/// Bytes each service allocated and garbage collections it ran so far, from .NET's <c>System.Runtime</c> meter at
/// <c>/metrics</c>. Read before and after a phase, the difference says what a lead costs the GC in each service.
/// </summary>
public static class RuntimeAllocations
{
    private const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";

    /// <summary>Allocated bytes and collections by service, from one scrape of each service.</summary>
    public static Dictionary<string, (double Bytes, double Collections)> Read(Dictionary<string, List<PrometheusSample>> scrapes) =>
        scrapes.ToDictionary(s => s.Key, s => (s.Value.Where(m => m.Name == AllocatedBytes).Sum(m => m.Value),
            s.Value.Where(m => m.Name == Collections).Sum(m => m.Value)));
}
