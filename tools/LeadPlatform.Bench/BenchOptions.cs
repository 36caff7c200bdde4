using System.Globalization;

namespace LeadPlatform.Bench;

public sealed record BenchOptions(TimeSpan Duration, int Rate, int Clients, int? ConnectorConcurrency, string Output, TimeSpan Warmup)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(
            TimeSpan.FromSeconds(Number("--duration", 20)),
            Number("--rate", 250),
            Number("--clients", 32),
            Value("--connector-concurrency") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null,
            Value("--output") ?? Path.Combine(LeadPlatform.Testing.RepoPaths.Root, "bench", "results", "latest.json"),
            TimeSpan.FromSeconds(Number("--warmup", 60)));
    }
}
