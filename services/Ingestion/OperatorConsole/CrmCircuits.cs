using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>
/// The circuit state of each CRM from the breakers its connector instances report (<see cref="CrmCircuitChanged"/>):
/// a CRM is open while any of its breakers is open, else half-open while any is half-open, else closed. Breakers of
/// gone instances (no longer repeating their state) do not count.
/// </summary>
public sealed class CrmCircuits(NpgsqlDataSource dataSource, IntegrationStore integrations)
{
    /// <summary>One CRM: its state, since when (null: no breaker of it ever changed), and how many breakers are not closed.</summary>
    public sealed record CrmCircuit(string Crm, string State, DateTimeOffset? Since, int OpenBreakers, int HalfOpenBreakers);

    private sealed record Row(string Crm, string State, DateTime Since);

    /// <summary>Records a transition unless a later one of the same breaker is already recorded (events may arrive out of order).</summary>
    public async Task RecordAsync(CrmCircuitChanged change, CancellationToken ct)
    {
        if (change.State is not ("open" or "half-open" or "closed"))
        {
            return;
        }
        const string sql = """
            insert into ingestion.crm_circuit (crm, integration_id, instance, state, changed_at, since, reported_at, report_every)
            values (@Crm, @IntegrationId, @Instance, @State, @ChangedAt, @ChangedAt, now(), @ReportEvery)
            on conflict (crm, integration_id, instance) do update set
                state = excluded.state, changed_at = excluded.changed_at,
                reported_at = excluded.reported_at, report_every = excluded.report_every,
                -- A breaker that goes open -> half-open -> open again has been unhealthy since it first opened.
                since = case when crm_circuit.state <> 'closed' and excluded.state <> 'closed' then crm_circuit.since else excluded.changed_at end
             where crm_circuit.changed_at <= excluded.changed_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Crm = change.Crm.ToLowerInvariant(), change.IntegrationId, change.Instance, change.State, ChangedAt = change.ChangedAt.UtcDateTime,
            ReportEvery = change.ReportEverySeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null,
        }, cancellationToken: ct));
    }

    /// <summary>
    /// Every CRM that has an integration or a reported breaker, by name. A breaker that is not closed and was not
    /// reported again within three of its instance's intervals is left out: its instance is gone.
    /// </summary>
    public async Task<IReadOnlyList<CrmCircuit>> ListAsync(CancellationToken ct)
    {
        const string sql = """
            select crm as Crm, state as State, since as Since from ingestion.crm_circuit
             where state = 'closed' or report_every is null or reported_at > now() - 3 * report_every
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct))).ToList();
        var crms = (await integrations.AllAsync(ct)).Values.Select(i => i.Crm.ToLowerInvariant()).Concat(rows.Select(r => r.Crm))
            .Distinct().Order(StringComparer.Ordinal);
        return [.. crms.Select(crm => Summarize(crm, rows.Where(r => r.Crm == crm).ToList()))];
    }

    private static CrmCircuit Summarize(string crm, IReadOnlyList<Row> breakers)
    {
        var open = breakers.Where(b => b.State == "open").ToList();
        var halfOpen = breakers.Where(b => b.State == "half-open").ToList();
        // Open since the first breaker that is open now left closed; closed since the last one closed.
        var (state, since) = open.Count > 0 ? ("open", open.Min(b => b.Since))
            : halfOpen.Count > 0 ? ("half-open", halfOpen.Min(b => b.Since))
            : ("closed", breakers.Count > 0 ? breakers.Max(b => b.Since) : (DateTime?)null);
        return new CrmCircuit(crm, state, since is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null, open.Count, halfOpen.Count);
    }
}
