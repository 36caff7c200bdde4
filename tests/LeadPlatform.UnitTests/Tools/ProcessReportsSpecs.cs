using LeadPlatform.Bench;

namespace LeadPlatform.UnitTests.Tools;

/// <summary>The bench's per-process figures from two scrapes of a service's runtime metrics, around a phase.</summary>
public class ProcessReportsSpecs
{
    [Test]
    public void A_service_s_GC_and_JIT_figures_are_what_its_counters_grew_by_over_the_phase()
    {
        var before = Scrape(allocatedBytes: 1_000_000, gen0: 10, gen1: 2, pauseSeconds: 0.5, jitSeconds: 18.0, jitMethods: 24_000);
        var after = Scrape(allocatedBytes: 1_000_000 + 2_048_000, gen0: 12, gen1: 3, pauseSeconds: 0.5 + 0.1234, jitSeconds: 18.25, jitMethods: 24_040);

        var report = PhaseMeasurement.ProcessReports([], new() { ["ingestion"] = (CpuSeconds: 2.0, ContextSwitches: 5_000) },
            seconds: 10, delivered: 1_000, RuntimeCounters.Read(before), RuntimeCounters.Read(after)).Single();

        Assert.That(report.CpuPercent, Is.EqualTo(20));
        Assert.That(report.CpuMsPerLead, Is.EqualTo(2));
        Assert.That(report.AllocatedKbPerLead, Is.EqualTo(2));
        Assert.That(report.CollectionsPerThousandLeads, Is.EqualTo(3));
        Assert.That(report.GcPauseMs, Is.EqualTo(123.4));
        Assert.That(report.JitMs, Is.EqualTo(250));
        Assert.That(report.JitMethods, Is.EqualTo(40));
    }

    [Test]
    public void A_process_without_runtime_metrics_has_no_GC_figures()
    {
        var report = PhaseMeasurement.ProcessReports([], new() { ["postgresql (all)"] = (CpuSeconds: 1.0, ContextSwitches: 100) },
            seconds: 10, delivered: 1_000, [], []).Single();

        Assert.That(report.CpuMsPerLead, Is.EqualTo(1));
        Assert.That(report.GcPauseMs, Is.Zero);
        Assert.That(report.CollectionsPerThousandLeads, Is.Zero);
        Assert.That(report.JitMs, Is.Zero);
    }

    private static Dictionary<string, List<PrometheusSample>> Scrape(double allocatedBytes, double gen0, double gen1, double pauseSeconds,
        double jitSeconds, double jitMethods) =>
        new()
        {
            ["ingestion"] =
            [
                new("dotnet_gc_heap_total_allocated_bytes_total", "otel_scope_name=\"System.Runtime\"", allocatedBytes),
                new("dotnet_gc_collections_total", "otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen0\"", gen0),
                new("dotnet_gc_collections_total", "otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen1\"", gen1),
                new("dotnet_gc_pause_time_seconds_total", "otel_scope_name=\"System.Runtime\"", pauseSeconds),
                new("dotnet_jit_compilation_time_seconds_total", "otel_scope_name=\"System.Runtime\"", jitSeconds),
                new("dotnet_jit_compiled_methods_total", "otel_scope_name=\"System.Runtime\"", jitMethods),
                new("process_cpu_time_seconds_total", "", 99),
            ],
        };
}
