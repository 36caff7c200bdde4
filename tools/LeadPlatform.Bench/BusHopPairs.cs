namespace LeadPlatform.Bench;

/// <summary>One raw RabbitMQ.Client baseline and the MassTransit bus hop right after it.</summary>
public sealed record HopPair(double BaselineMessagesPerSecond, double BusHopMessagesPerSecond)
{
    public double Ratio => BusHopMessagesPerSecond / BaselineMessagesPerSecond;
}

/// <summary>
/// The baseline and the bus hop, alternately, three times, on a quiet platform, after one unmeasured pair: the
/// services are warmed up before they are measured, and so is this process's bus (MassTransit's pipeline is JIT-compiled
/// and recompiled by tiered compilation in its first seconds). Single 10 s runs on this VM spread over tens of per
/// cent; the pair with the median ratio is the figure, and every pair is reported.
/// </summary>
public static class BusHopPairs
{
    public const int Count = 3;

    public static async Task<List<HopPair>> RunAsync(string amqpUri, TimeSpan duration, int concurrency)
    {
        var pairs = new List<HopPair>();
        for (var i = 0; i <= Count; i++)
        {
            var baseline = await RabbitBaseline.RunAsync(amqpUri, duration);
            var hop = await BusHopBench.RunAsync(amqpUri, duration, concurrency);
            pairs.Add(new HopPair(Math.Round(baseline, 1), Math.Round(hop, 1)));
        }
        return pairs[1..]; // the first pair warmed up
    }

    public static HopPair Median(IReadOnlyList<HopPair> pairs) => pairs.OrderBy(p => p.Ratio).ElementAt(pairs.Count / 2);
}
