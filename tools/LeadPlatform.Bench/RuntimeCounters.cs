namespace LeadPlatform.Bench;

/// <summary>
/// What a .NET process's runtime has done so far: bytes allocated, garbage collections run and seconds they paused it;
/// seconds its JIT compiled for and methods compiled (every tier, on every thread).
/// </summary>
public sealed record RuntimeReading(double AllocatedBytes, double Collections, double PauseSeconds, double JitSeconds, double JitMethods)
{
    public static readonly RuntimeReading None = new(0, 0, 0, 0, 0);

    public RuntimeReading Since(RuntimeReading earlier) =>
        new(AllocatedBytes - earlier.AllocatedBytes, Collections - earlier.Collections, PauseSeconds - earlier.PauseSeconds,
            JitSeconds - earlier.JitSeconds, JitMethods - earlier.JitMethods);
}

/// <summary>
/// Each service's <see cref="RuntimeReading"/>, from .NET's <c>System.Runtime</c> meter at <c>/metrics</c>. Read before
/// and after a phase, the difference says what a lead costs the GC in each service, whether a pause could be a stall
/// the phase's tail shows, and whether tiered compilation was still at work in the phase (a warm-up too short, or
/// paths first hot at this phase's rate).
/// </summary>
public static class RuntimeCounters
{
    private const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string PauseSeconds = "dotnet_gc_pause_time_seconds_total";
    private const string JitSeconds = "dotnet_jit_compilation_time_seconds_total";
    private const string JitMethods = "dotnet_jit_compiled_methods_total";

    /// <summary>Each service's reading, from one scrape of each service.</summary>
    public static Dictionary<string, RuntimeReading> Read(Dictionary<string, List<PrometheusSample>> scrapes) =>
        scrapes.ToDictionary(s => s.Key, s => new RuntimeReading(Sum(s.Value, AllocatedBytes), Sum(s.Value, Collections),
            Sum(s.Value, PauseSeconds), Sum(s.Value, JitSeconds), Sum(s.Value, JitMethods)));

    /// <summary>This process's own reading (the bench client's), from the runtime's APIs the meter reads too.</summary>
    public static RuntimeReading OfThisProcess() =>
        new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), // every collection includes generation 0
            GC.GetTotalPauseDuration().TotalSeconds, System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
            System.Runtime.JitInfo.GetCompiledMethodCount());

    private static double Sum(List<PrometheusSample> samples, string name) => samples.Where(m => m.Name == name).Sum(m => m.Value);
}
