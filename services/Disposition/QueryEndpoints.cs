using System.Text.Json;
using Dapper;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>The lead timeline and the raw values no mapping covers yet.</summary>
public static class QueryEndpoints
{
    public static void MapQueryEndpoints(this WebApplication app)
    {
        app.MapGet("/v1/leads/{leadId:guid}/timeline", TimelineAsync)
            .WithSummary("Everything that happened to a lead, in occurrence order (X-Admin-Key, viewer; or X-Api-Key of the lead's source)")
            .Produces<DispositionResponses.Timeline>().ProducesProblems(StatusCodes.Status404NotFound);
        app.MapGet("/v1/dispositions/unmapped", UnmappedAsync).RequireRole(AdminRole.Viewer)
            .WithSummary("Raw statuses and activity types no mapping covers, per provider, with counts and the integrations with entries waiting (X-Admin-Key, viewer)")
            .Produces<DispositionResponses.Unmapped>();
    }

    private sealed record LeadRow
    {
        public Guid LeadId { get; init; }
        public string? Status { get; init; }
        public string? RawStatus { get; init; }
        public DateTime? StatusAt { get; init; }
        public string? AccountId { get; init; }
        public string? TraceParent { get; init; }
    }

    private sealed record EntryRow
    {
        public string Kind { get; init; } = "";
        public string Source { get; init; } = "";
        public string? IntegrationId { get; init; }
        public string? Provider { get; init; }
        public string? RawValue { get; init; }
        public string? Value { get; init; }
        public bool Mapped { get; init; }
        public string? Details { get; init; }
        public DateTime OccurredAt { get; init; }
        public DateTime RecordedAt { get; init; }
    }

    private static async Task<IResult> TimelineAsync(Guid leadId, HttpContext http, TimelineAccess access, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        const string leadSql = """
            select lead_id as LeadId, status as Status, raw_status as RawStatus, status_at as StatusAt,
                   account_id as AccountId, trace_parent as TraceParent
              from disposition.lead where lead_id = @leadId
            """;
        const string entriesSql = """
            select kind as Kind, source as Source, integration_id as IntegrationId, provider as Provider, raw_value as RawValue,
                   value as Value, mapped as Mapped, details::text as Details, occurred_at as OccurredAt, recorded_at as RecordedAt
              from disposition.timeline where lead_id = @leadId order by occurred_at, id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var lead = await connection.QuerySingleOrDefaultAsync<LeadRow>(new CommandDefinition(leadSql, new { leadId }, cancellationToken: ct));
        // Authenticated before the answer depends on the lead, so without a key nothing tells whether it exists.
        var (verdict, refusal) = await access.CheckAsync(http, leadId, lead?.AccountId, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        if (lead is null || verdict != TimelineAccess.Verdict.Allowed)
        {
            return Problems.Field("leadId", $"No timeline for lead {leadId}", StatusCodes.Status404NotFound);
        }
        var entries = await connection.QueryAsync<EntryRow>(new CommandDefinition(entriesSql, new { leadId }, cancellationToken: ct));
        return Results.Ok(new
        {
            leadId,
            status = lead.Status ?? "Pending",
            lead.RawStatus,
            statusAt = Utc(lead.StatusAt),
            // The trace the lead was accepted in (W3C traceparent "00-<trace id>-<span id>-<flags>"), to open in a trace viewer.
            traceId = lead.TraceParent?.Split('-') is [_, var traceId, _, _] ? traceId : null,
            entries = entries.Select(e => new
            {
                e.Kind,
                e.Source,
                e.IntegrationId,
                e.Provider,
                raw = e.RawValue,
                e.Value,
                e.Mapped,
                details = e.Details is null ? (JsonElement?)null : JsonDocument.Parse(e.Details).RootElement,
                occurredAt = Utc(e.OccurredAt),
                recordedAt = Utc(e.RecordedAt),
            }),
        });
    }

    private sealed record UnmappedRow
    {
        public string Provider { get; init; } = "";
        public string Kind { get; init; } = "";
        public string RawValue { get; init; } = "";
        public long Seen { get; init; }
        public DateTime FirstSeenAt { get; init; }
        public DateTime LastSeenAt { get; init; }
        public string[] Integrations { get; init; } = [];
    }

    private static async Task<IResult> UnmappedAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        const string sql = """
            select provider as Provider, kind as Kind, raw_value as RawValue, seen as Seen,
                   first_seen_at as FirstSeenAt, last_seen_at as LastSeenAt,
                   array(select distinct t.integration_id from disposition.timeline t
                          where t.provider = u.provider and t.kind = u.kind and t.raw_value = u.raw_value
                            and not t.mapped and t.integration_id is not null order by 1) as Integrations
              from disposition.unmapped u order by provider, kind, seen desc, raw_value
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<UnmappedRow>(new CommandDefinition(sql, cancellationToken: ct));
        return Results.Ok(new
        {
            providers = rows.GroupBy(r => r.Provider).Select(p => new
            {
                provider = p.Key,
                statuses = p.Where(r => r.Kind == "status").Select(View),
                activities = p.Where(r => r.Kind == "activity").Select(View),
            }),
        });
    }

    /// <summary><c>integrations</c>: those with entries waiting on this raw value, the ones a mapping can be saved into.</summary>
    private static object View(UnmappedRow r) => new
    {
        raw = r.RawValue, count = r.Seen, firstSeenAt = Utc(r.FirstSeenAt), lastSeenAt = Utc(r.LastSeenAt), integrations = r.Integrations,
    };

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
