using LeadPlatform.Testing;

namespace LeadPlatform.Bench;

/// <summary>
/// Bytes each service allocated and garbage collections it ran so far, from .NET's <c>System.Runtime</c> meter at
/// <c>/metrics</c>. Read before and after a phase, the difference says what a lead costs the GC in each service.
/// </summary>
public static class RuntimeAllocations
{
    private const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";

    /// <summary>Allocated bytes and collections by service; a service that does not answer is left out.</summary>
    public static async Task<Dictionary<string, (double Bytes, double Collections)>> ReadAsync(IEnumerable<ServiceProcess> services)
    {
        var totals = new Dictionary<string, (double Bytes, double Collections)>();
        foreach (var service in services)
        {
            try
            {
                var samples = await PrometheusSamples.ScrapeAsync(service);
                totals[service.Name] = (samples.Where(s => s.Name == AllocatedBytes).Sum(s => s.Value),
                    samples.Where(s => s.Name == Collections).Sum(s => s.Value));
            }
            catch (HttpRequestException)
            {
            }
        }
        return totals;
    }
}
