namespace LeadPlatform.Bench;

/// <summary>
/// One run of every figure issue 22 asks for: on a platform of the bench's own, the fixed-rate and maximum-rate
/// phases, the maximum rate again with two connector instances, a backlog drained by one and by two, the raw
/// RabbitMQ.Client baseline and the bus hop; with <c>--preload</c> the same phases again with N leads stored; with
/// <c>--soak</c> a long run on a fresh platform.
/// </summary>
public static class PipelineBench
{
    public static async Task<BenchReport> RunAsync(BenchOptions options)
    {
        List<PhaseReport> phases;
        ScaleReport? scale = null;
        DataGrowthReport? growth = null;
        List<HopPair> hopPairs;
        await using (var platform = await BenchPlatform.StartAsync("bench", options.ConnectorConcurrency, allConnectors: options.AllConnectors, allServices: options.AllServices))
        {
            // Warm-up: connection pools, queues, and above all the JIT. Tiered compilation recompiles hot methods
            // (instrumented, then optimized) for tens of seconds under load: after a 10 s warm-up it still took a
            // fifth of the services' CPU in the measured phases (perf), after 30 s the services still used twice the
            // CPU per lead at 250/s that they did after 60 s. A long-running service never pays it.
            await WarmUpAsync(platform, options);

            phases = await PhasesAsync(platform, options);
            if (options.Scale)
            {
                scale = await ConnectorScale.RunAsync(platform, phases[^1], options.Warmup, MaxRate(platform, options), options.Clients);
            }
            await BrokerQuiet.WaitAsync(platform.Environment, TimeSpan.FromMinutes(2));
            hopPairs = await BusHopPairs.RunAsync(platform.Environment.RabbitMqUri, TimeSpan.FromSeconds(Math.Min(10, options.Duration.TotalSeconds)),
                options.ConnectorConcurrency ?? new LeadPlatform.Connectors.ConnectorOptions().ConcurrentMessageLimit);

            // A long run (preload, soak) keeps what it has measured if it is cut short: the report so far is saved.
            await Report(phases, hopPairs, scale, null, null).SaveAsync(options.Output);
            if (options.Preload > 0)
            {
                var emptySizes = await RelationSizes.ReadAsync(platform.Db);
                var seconds = await Preload.RunAsync(platform.Db, options.Preload);
                var sizes = await RelationSizes.ReadAsync(platform.Db);
                // As after start: the services' caches and PostgreSQL's buffers hold the working set of the grown
                // database, not what the load and the index builds left in them.
                await WarmUpAsync(platform, options);
                growth = new DataGrowthReport(options.Preload, Math.Round(seconds), await PhasesAsync(platform, options), emptySizes, sizes);
                await Report(phases, hopPairs, scale, growth, null).SaveAsync(options.Output);
            }
        }
        var soak = options.Soak is { } length ? await Soak.RunAsync(options, length) : null;
        return Report(phases, hopPairs, scale, growth, soak);

        BenchReport Report(List<PhaseReport> phases, List<HopPair> hopPairs, ScaleReport? scale, DataGrowthReport? growth, SoakReport? soak)
        {
            var hop = BusHopPairs.Median(hopPairs);
            return new(DateTimeOffset.UtcNow, Environment.ProcessorCount, options.Duration.TotalSeconds, phases,
                hop.BaselineMessagesPerSecond, hop.BusHopMessagesPerSecond, scale, growth, soak, hopPairs);
        }
    }

    private static async Task WarmUpAsync(BenchPlatform platform, BenchOptions options)
    {
        var warmup = await new LoadPhase(platform.Leads, BenchPlatform.AccountId).FixedRateAsync("warmup", 200, options.Warmup);
        await PhaseMeasurement.WaitDeliveredAsync(platform.Db, warmup.Accepted.ToArray());
    }

    /// <summary>Each fixed rate (open loop), then the maximum rate (closed loop).</summary>
    private static async Task<List<PhaseReport>> PhasesAsync(BenchPlatform platform, BenchOptions options)
    {
        var phases = new List<PhaseReport>();
        foreach (var rate in options.Rates)
        {
            phases.Add(await PhaseMeasurement.MeasureAsync(platform,
                () => new LoadPhase(platform.Leads, BenchPlatform.AccountId).FixedRateAsync($"fixed-{rate}", rate, options.Duration)));
        }
        phases.Add(await PhaseMeasurement.MeasureAsync(platform, MaxRate(platform, options)));
        return phases;
    }

    private static Func<Task<LoadPhase.Result>> MaxRate(BenchPlatform platform, BenchOptions options) =>
        () => new LoadPhase(platform.Leads, BenchPlatform.AccountId).ClosedLoopAsync($"max-{options.Clients}-clients", options.Clients, options.Duration);
}
