using System.Diagnostics.Metrics;
using Dapper;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>
/// The outbox's unpublished rows and the age of the oldest, sampled every few seconds (one indexed query) so the
/// gauges never touch the database when a metrics reader asks. A growing backlog means the broker is not taking
/// messages.
/// </summary>
public sealed class OutboxBacklog(NpgsqlDataSource dataSource, ILogger<OutboxBacklog> logger) : BackgroundService
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    public sealed record Sample(long Backlog, double OldestAgeSeconds, DateTimeOffset SampledAt);

    // One ingestion per process in production; the latest sample of any instance is what the gauges report.
    private static volatile Sample? s_latest;

    static OutboxBacklog()
    {
        LeadPlatformTelemetry.Meter.CreateObservableGauge("leadplatform.outbox.backlog",
            () => s_latest is { } s ? [new Measurement<long>(s.Backlog)] : Array.Empty<Measurement<long>>(),
            description: "Outbox rows not yet published");
        LeadPlatformTelemetry.Meter.CreateObservableGauge("leadplatform.outbox.oldest_age",
            () => s_latest is { } s ? [new Measurement<double>(s.OldestAgeSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Age of the oldest unpublished outbox row (0 when none)");
    }

    public static Sample? Latest => s_latest;

    public async Task<Sample> SampleAsync(CancellationToken ct)
    {
        const string sql = """
            select count(*) as Backlog,
                   coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as OldestAgeSeconds
              from ingestion.outbox where published_at is null
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (backlog, age) = await connection.QuerySingleAsync<(long, double)>(new CommandDefinition(sql, cancellationToken: ct));
        var sample = new Sample(backlog, age, DateTimeOffset.UtcNow);
        s_latest = sample;
        return sample;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Outbox backlog not sampled ({Message})", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
