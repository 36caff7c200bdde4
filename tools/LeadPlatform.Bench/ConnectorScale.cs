using System.Globalization;
using LeadPlatform.Testing;

namespace LeadPlatform.Bench;

public sealed record InstanceRate(string Instance, long Delivered, double DeliveredPerSecond)
{
    /// <summary>Each connector's deliveries between two readings of <see cref="ConnectorScale.DeliveredAsync"/>, over <paramref name="seconds"/>.</summary>
    public static List<InstanceRate> Between(IReadOnlyList<ServiceProcess> connectors, long[] before, long[] after, double seconds) =>
        connectors.Select((c, i) => new InstanceRate(c.Name, after[i] - before[i], Math.Round((after[i] - before[i]) / seconds, 1))).ToList();
}

/// <summary>
/// The maximum-rate phase with one connector instance, and again with two competing on its queue; and a backlog
/// drained by one instance and by two.
/// </summary>
public sealed record ScaleReport(PhaseReport One, PhaseReport Two, IReadOnlyList<InstanceRate> Instances, DrainReport? DrainOne = null, DrainReport? DrainTwo = null)
{
    public void Print()
    {
        BenchReport.PrintPhase(Two, "scale, ");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  two connector instances: {Two.DeliveredPerSecond:0.0}/s = {string.Join(" + ", Instances.Select(i => $"{i.Instance} {i.DeliveredPerSecond:0.0}/s ({i.Delivered})"))}; one instance: {One.DeliveredPerSecond:0.0}/s"));
        foreach (var drain in new[] { DrainOne, DrainTwo }.OfType<DrainReport>())
        {
            Console.WriteLine("  backlog: " + drain.Text);
        }
    }
}

/// <summary>
/// Starts a second Enquire connector beside the first (same queue, competing consumers), runs a phase, and reads
/// how many leads each instance delivered from its own <c>leadplatform_deliveries_succeeded</c> counter (/metrics).
/// </summary>
public static class ConnectorScale
{
    /// <summary>Leads queued for each drain: tens of seconds of delivery on this box.</summary>
    private const int Backlog = 40_000;

    public static async Task<ScaleReport> RunAsync(BenchPlatform platform, PhaseReport one, TimeSpan warmup, Func<Task<LoadPhase.Result>> load, int clients)
    {
        var drainOne = await ConnectorDrain.RunAsync(platform, clients, Backlog);
        var second = await platform.StartConnectorAsync("connector-enquire-2");
        try
        {
            // The second instance gets the first one's warm-up (JIT), else the comparison is against a cold process.
            var warming = await new LoadPhase(platform.Leads, BenchPlatform.AccountId).FixedRateAsync("warmup-2", 200, warmup);
            await PhaseMeasurement.WaitDeliveredAsync(platform.Db, warming.Accepted.ToArray());
            var connectors = platform.Connectors;
            var before = await Task.WhenAll(connectors.Select(DeliveredAsync));
            var two = await PhaseMeasurement.MeasureAsync(platform, load);
            var after = await Task.WhenAll(connectors.Select(DeliveredAsync));
            var span = two.Crms.Count == 0 ? 1 : two.Crms.Max(c => c.SpanSeconds);
            var instances = InstanceRate.Between(connectors, before, after, span);
            var drainTwo = await ConnectorDrain.RunAsync(platform, clients, Backlog);
            return new ScaleReport(one, two with { Name = two.Name + "-2-connectors" }, instances, drainOne, drainTwo);
        }
        finally
        {
            await platform.StopAsync(second);
        }
    }

    /// <summary>The instance's own count of deliveries that reached their CRM, from its Prometheus endpoint.</summary>
    public static async Task<long> DeliveredAsync(ServiceProcess connector) =>
        (long)(await PrometheusSamples.ScrapeAsync(connector)).Where(s => s.Name == "leadplatform_deliveries_succeeded_total").Sum(s => s.Value);
}
