using System.Globalization;

namespace LeadPlatform.Bench;

/// <summary>The bench's command line; <see cref="Usage"/> is what <c>build/bench.sh --help</c> prints.</summary>
public sealed record BenchOptions(
    TimeSpan Duration, IReadOnlyList<int> Rates, int Clients, int? ConnectorConcurrency, string Output, TimeSpan Warmup,
    bool Scale, long Preload, TimeSpan? Soak, int SoakRate, bool AllConnectors, bool AllServices)
{
    public const string Usage = """
        build/bench.sh [options]      the pipeline benchmark of issue 22 (not a test); every figure beside its target
          --duration SECONDS          length of each measured phase (default 20; the targets are meant for 60)
          --warmup SECONDS            warm-up at 200 leads/s before measuring, for the JIT (default 60)
          --rates LIST                fixed-rate phases, open loop, leads/s (default 250,1000; --rate is the same)
          --clients N                 concurrent clients of the maximum-rate phase, closed loop (default 32)
          --connector-concurrency N   the connector's ConcurrentMessageLimit (prefetch 2N; default its own)
          --all-connectors            also run the ALIS, Salesforce, HubSpot and ADF connectors, as deployed, with no
                                      integration of theirs (the leads still go to Enquire only)
          --all-services              also run disposition and notifications, which consume every lead's LeadConverted
                                      and LeadDelivered as deployed (with --all-connectors: the whole platform)
          --no-scale                  skip the scale phases (the max rate with two connector instances; a backlog drained
                                      by one instance and by two)
          --preload N                 after the empty-database phases, store N leads with their history (COPY) into the
                                      bench's database and run the same phases again (e.g. 10000000)
          --soak [MINUTES]            then run MINUTES (default 30) at --soak-rate on a fresh database with short
                                      retention: per-minute RSS of every service, p99, outbox and ledger sizes
          --soak-rate N               leads/s of the soak (default 250)
          --output PATH               the JSON report (default bench/results/latest.json; a .md table beside it)
          --lead-search [N]           instead: the console's lead search with N leads stored (build/bench-lead-search.sh)
          --help                      this text
        The bench uses a RabbitMQ vhost and a PostgreSQL database of its own (lp_bench_..., lp_benchsoak_...), dropped
        at the end; it never touches up.sh's database or the tests'.
        """;

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h");

    public static BenchOptions Parse(string[] args)
    {
        var known = new HashSet<string>
        {
            "--duration", "--warmup", "--rates", "--rate", "--clients", "--connector-concurrency", "--no-scale", "--preload",
            "--soak", "--soak-rate", "--output", "--all-connectors", "--all-services",
        };
        foreach (var unknown in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !known.Contains(a)))
        {
            throw new ArgumentException($"unknown option {unknown}\n\n{Usage}");
        }
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(v => !v.StartsWith("--", StringComparison.Ordinal));
        long Number(string name, long fallback) => Value(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var rates = (Value("--rates") ?? Value("--rate") ?? "250,1000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList();
        TimeSpan? soak = args.Contains("--soak") ? TimeSpan.FromMinutes(Number("--soak", 30)) : null;
        return new BenchOptions(
            TimeSpan.FromSeconds(Number("--duration", 20)),
            rates,
            (int)Number("--clients", 32),
            Value("--connector-concurrency") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : null,
            Value("--output") ?? Path.Combine(LeadPlatform.Testing.RepoPaths.Root, "bench", "results", "latest.json"),
            TimeSpan.FromSeconds(Number("--warmup", 60)),
            !args.Contains("--no-scale"),
            Number("--preload", 0),
            soak,
            (int)Number("--soak-rate", 250),
            args.Contains("--all-connectors"),
            args.Contains("--all-services"));
    }
}
