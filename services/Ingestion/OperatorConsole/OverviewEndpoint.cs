using Dapper;
using LeadPlatform.Ingestion.Operations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using Npgsql;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>
/// <c>GET /v1/admin/overview</c>: leads accepted, delivered and failed per hour over the last <c>hours</c> (1-168,
/// default 24), acceptance-to-delivery p50/p99 of the deliveries made in that window, the outbox backlog, and each CRM's
/// circuit state as its connector instances reported it (<see cref="CrmCircuits"/>). Counts only, no personal data. Admin key, viewer and above, not limited to one account.
/// </summary>
public static class OverviewEndpoint
{
    public sealed record Hour
    {
        public DateTime At { get; init; }
        public long Accepted { get; init; }
        public long Delivered { get; init; }
        public long Failed { get; init; }
    }

    /// <summary>The answer of <c>GET /v1/admin/overview</c>.</summary>
    public sealed record Overview(IReadOnlyList<OverviewHour> Hours, Latency DeliveryLatency, OverviewOutbox Outbox,
        IReadOnlyList<CrmCircuits.CrmCircuit> Circuits);

    public sealed record OverviewHour(DateTimeOffset At, long Accepted, long Delivered, long Failed);

    public sealed record OverviewOutbox(long Backlog, double OldestAgeSeconds);

    public sealed record Latency
    {
        public long Deliveries { get; init; }
        public double? P50Seconds { get; init; }
        public double? P99Seconds { get; init; }
    }

    public static void MapOverview(this WebApplication app) =>
        app.MapGet("/v1/admin/overview", OverviewAsync).RequireRole(AdminRole.Viewer)
            .WithTags("Operations")
            .Produces<Overview>().ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Leads accepted, delivered and failed per hour (hours, default 24), acceptance-to-delivery p50/p99, outbox backlog, each CRM's circuit state (X-Admin-Key, viewer)");

    private static async Task<IResult> OverviewAsync([System.ComponentModel.Description("How many hours back, newest first (default 24)")] int? hours, OutboxBacklog backlog, CrmCircuits circuits, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (hours is < 1 or > 168)
        {
            return Problems.Field("hours", "must be between 1 and 168");
        }
        // Hours with nothing in them are rows too, so a chart has no gaps.
        const string hourlySql = """
            with window_hours as (
                select generate_series(date_trunc('hour', now()) - make_interval(hours => @hours - 1), date_trunc('hour', now()), interval '1 hour') as at
            ), accepted as (
                select date_trunc('hour', accepted_at) as at, count(*) as n from ingestion.lead
                 where accepted_at >= date_trunc('hour', now()) - make_interval(hours => @hours - 1) group by 1
            ), finished as (
                select date_trunc('hour', updated_at) as at, count(*) filter (where state = 'delivered') as delivered,
                       count(*) filter (where state = 'failed') as failed
                  from ingestion.lead_delivery
                 where state <> 'planned' and updated_at >= date_trunc('hour', now()) - make_interval(hours => @hours - 1) group by 1
            )
            select h.at as At, coalesce(a.n, 0) as Accepted, coalesce(f.delivered, 0) as Delivered, coalesce(f.failed, 0) as Failed
              from window_hours h left join accepted a on a.at = h.at left join finished f on f.at = h.at
             order by h.at
            """;
        const string latencySql = """
            select count(*) as Deliveries,
                   percentile_cont(0.5) within group (order by extract(epoch from d.updated_at - l.accepted_at)) as P50Seconds,
                   percentile_cont(0.99) within group (order by extract(epoch from d.updated_at - l.accepted_at)) as P99Seconds
              from ingestion.lead_delivery d join ingestion.lead l on l.id = d.lead_id
             where d.state = 'delivered' and d.updated_at >= now() - make_interval(hours => @hours)
            """;
        var window = hours ?? 24;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var hourly = await connection.QueryAsync<Hour>(new CommandDefinition(hourlySql, new { hours = window }, cancellationToken: ct));
        var latency = await connection.QuerySingleAsync<Latency>(new CommandDefinition(latencySql, new { hours = window }, cancellationToken: ct));
        var outbox = await backlog.SampleAsync(ct);
        return Results.Ok(new Overview(
            hourly.Select(h => new OverviewHour(new DateTimeOffset(DateTime.SpecifyKind(h.At, DateTimeKind.Utc)), h.Accepted, h.Delivered, h.Failed)).ToList(),
            latency,
            new OverviewOutbox(outbox.Backlog, outbox.OldestAgeSeconds),
            await circuits.ListAsync(ct)));
    }
}
