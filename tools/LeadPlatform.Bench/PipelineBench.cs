using System.Diagnostics;
using System.Net.Http.Json;
using Dapper;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>
/// Starts sandbox, ingestion and the Enquire connector as Release processes on a vhost and database of the
/// bench's own, drives leads at a fixed rate and then at the maximum rate, and measures each phase.
/// </summary>
public static class PipelineBench
{
    private const string AdminKey = "bench-admin-key-not-for-production";
    private const string ApiKey = "bench-roobrik-api-key-0001";
    private const string AccountId = "bench-account";

    public static async Task<BenchReport> RunAsync(BenchOptions options)
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("bench");
        await using var db = environment.CreateDataSource();
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;
        if (options.ConnectorConcurrency is { } concurrency)
        {
            config["Connector:ConcurrentMessageLimit"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
            config["Connector:PrefetchCount"] = (2 * concurrency).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var logDir = RepoPaths.LogDir("bench");
        var services = new List<ServiceProcess>();
        try
        {
            var sandbox = await Start(services, "sandbox", "services/Sandbox", "LeadPlatform.Sandbox", config, logDir);
            var ingestion = await Start(services, "ingestion", "services/Ingestion", "LeadPlatform.Ingestion", config, logDir);
            await Start(services, "connector-enquire", "services/Connectors/Enquire", "LeadPlatform.Connectors.Enquire", config, logDir);
            await AdminPutAsync(ingestion.Client, "v1/source-keys/roobrik", new { key = ApiKey, accounts = new[] { AccountId } });
            await AdminPutAsync(ingestion.Client, "v1/integrations/bench-enquire", new
            {
                accountId = AccountId,
                crm = "enquire",
                endpoint = new Uri(sandbox.BaseAddress, "enquire/v1").ToString(),
                credentials = new { subscriptionKey = "sandbox-enquire-key" },
            });

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 })
            {
                BaseAddress = ingestion.BaseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            };
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

            // Warm-up: connection pools, queues, and above all the JIT. Tiered compilation recompiles hot methods
            // (instrumented, then optimized) for tens of seconds under load: after a 10 s warm-up it still took a
            // fifth of the services' CPU in the measured phases (perf), after 30 s the services still used twice the
            // CPU per lead at 250/s that they did after 60 s. A long-running service never pays it.
            var warmup = await new LoadPhase(http, AccountId).FixedRateAsync("warmup", 200, options.Warmup);
            await WaitDeliveredAsync(db, warmup.Accepted.ToArray());

            var phases = new List<PhaseReport>
            {
                await MeasureAsync(db, services, () => new LoadPhase(http, AccountId).FixedRateAsync($"fixed-{options.Rate}", options.Rate, options.Duration)),
                await MeasureAsync(db, services, () => new LoadPhase(http, AccountId).ClosedLoopAsync($"max-{options.Clients}-clients", options.Clients, options.Duration)),
            };
            var hopDuration = TimeSpan.FromSeconds(Math.Min(10, options.Duration.TotalSeconds));
            var baseline = await RabbitBaseline.RunAsync(environment.RabbitMqUri, hopDuration);
            var busHop = await BusHopBench.RunAsync(environment.RabbitMqUri, hopDuration,
                options.ConnectorConcurrency ?? new LeadPlatform.Connectors.ConnectorOptions().ConcurrentMessageLimit);
            return new BenchReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options.Duration.TotalSeconds, phases,
                Math.Round(baseline, 1), Math.Round(busHop, 1));
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task<ServiceProcess> Start(List<ServiceProcess> services, string name, string dir, string assembly,
        Dictionary<string, string?> config, string logDir)
    {
        var service = await ServiceProcess.StartAsync(name, dir, assembly, config, logDir);
        services.Add(service);
        return service;
    }

    private static async Task AdminPutAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<PhaseReport> MeasureAsync(NpgsqlDataSource db, List<ServiceProcess> services, Func<Task<LoadPhase.Result>> load)
    {
        var meters = CpuMeters(services);
        var cpuBefore = meters.ToDictionary(m => m.Key, m => m.Value());
        var wall = Stopwatch.StartNew();
        var result = await load();
        var ids = result.Accepted.ToArray();
        Console.Error.WriteLine($"{result.Name}: {ids.Length} accepted in {result.Elapsed.TotalSeconds:0.0} s; waiting for delivery");

        var delivered = await WaitDeliveredAsync(db, ids);
        var seconds = wall.Elapsed.TotalSeconds;
        var processes = meters.Select(m =>
        {
            var cpu = m.Value() - cpuBefore[m.Key];
            var service = services.FirstOrDefault(s => s.Name == m.Key);
            return new ProcessReport(m.Key, Math.Round(cpu / seconds * 100, 1),
                service is null ? 0 : Math.Round(ProcessStats.RssMegabytes(service.ProcessId!.Value), 1),
                delivered == 0 ? 0 : Math.Round(cpu * 1000 / delivered, 2));
        }).ToList();

        const string latencySql = """
            select d.crm as Crm, extract(epoch from (d.finished_at - l.accepted_at)) * 1000 as Ms, l.accepted_at as AcceptedAt, d.finished_at as FinishedAt,
                   extract(epoch from (o.published_at - l.accepted_at)) * 1000 as RelayMs,
                   extract(epoch from (d.created_at - o.published_at)) * 1000 as QueueMs,
                   extract(epoch from (d.finished_at - d.created_at)) * 1000 as ConnectorMs
              from ingestion.lead l
              join delivery.ledger d on d.lead_id = l.id
              join ingestion.outbox o on o.message_type = 'LeadConverted' and (o.payload->>'leadId')::uuid = l.id
             where l.id = any(@ids) and d.state = 'delivered'
            """;
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<LatencyRow>(latencySql, new { ids })).ToList();
        var perCrm = rows.GroupBy(r => r.Crm).Select(g =>
        {
            var span = (g.Max(r => r.FinishedAt) - g.Min(r => r.AcceptedAt)).TotalSeconds;
            List<double> Sorted(Func<LatencyRow, double> of) => g.Select(of).Order().ToList();
            var ms = Sorted(r => r.Ms);
            return new CrmReport(g.Key, g.Count(), Math.Round(g.Count() / span, 1),
                Percentile(ms, 50), Percentile(ms, 95), Percentile(ms, 99), Math.Round(ms[^1], 1),
                [
                    StageReport.Of("accepted->relayed", Sorted(r => r.RelayMs)),
                    StageReport.Of("relayed->claimed", Sorted(r => r.QueueMs)),
                    StageReport.Of("claimed->delivered", Sorted(r => r.ConnectorMs)),
                ]);
        }).ToList();
        var post = result.PostMs.Order().ToList();
        return new PhaseReport(result.Name, Math.Round(result.Elapsed.TotalSeconds, 1), ids.Length,
            Math.Round(ids.Length / result.Elapsed.TotalSeconds, 1), result.Refused, result.Failed,
            Percentile(post, 50), Percentile(post, 99), delivered, perCrm, processes);
    }

    /// <summary>How many of the leads were delivered, once all were or after two minutes.</summary>
    private static async Task<long> WaitDeliveredAsync(NpgsqlDataSource db, Guid[] ids)
    {
        await using var connection = await db.OpenConnectionAsync();
        const string deliveredSql = "select count(*) from delivery.ledger where lead_id = any(@ids) and state = 'delivered'";
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long delivered;
        while ((delivered = await connection.ExecuteScalarAsync<long>(deliveredSql, new { ids })) < ids.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        return delivered;
    }

    /// <summary>
    /// CPU of everything a lead costs on this box: the services, the broker, the database and this load generator,
    /// so the report can say how many CPU-milliseconds one lead takes and what that allows on the machine's cores.
    /// </summary>
    private static Dictionary<string, Func<double>> CpuMeters(List<ServiceProcess> services)
    {
        var meters = services.ToDictionary(s => s.Name, s => (Func<double>)(() => ProcessStats.CpuSeconds(s.ProcessId!.Value)));
        meters["postgresql (all)"] = () => ProcessStats.CpuSecondsOfAll("postgres");
        meters["rabbitmq (all)"] = () => ProcessStats.CpuSecondsOfAll("beam.smp");
        meters["bench client"] = () => ProcessStats.CpuSeconds(Environment.ProcessId);
        return meters;
    }

    internal static double Percentile(List<double> sorted, int p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)], 1);

    private sealed class LatencyRow
    {
        public string Crm { get; init; } = "";
        public double Ms { get; init; }
        public DateTime AcceptedAt { get; init; }
        public DateTime FinishedAt { get; init; }
        public double RelayMs { get; init; }
        public double QueueMs { get; init; }
        public double ConnectorMs { get; init; }
    }
}
