using Dapper;
using LeadPlatform.Contracts;
using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>The opportunities of each lead, as the CRMs last reported them (the lead read model's part of them).</summary>
public sealed class LeadOpportunities(NpgsqlDataSource dataSource)
{
    public sealed record Opportunity(
        string OpportunityId, string IntegrationId, string Crm, string? Stage, decimal? Amount, DateOnly? CloseDate, string? MatchedBy, DateTimeOffset UpdatedAt);

    private sealed record Row
    {
        public string OpportunityId { get; init; } = "";
        public string IntegrationId { get; init; } = "";
        public string Crm { get; init; } = "";
        public string? Stage { get; init; }
        public decimal? Amount { get; init; }
        public string? CloseDate { get; init; }
        public string? MatchedBy { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    /// <summary>
    /// Keeps the update when it is not older than what is stored; the same update twice, or an older one arriving late,
    /// changes nothing. An update for a lead this service does not have (erased) is dropped.
    /// </summary>
    public async Task<bool> RecordAsync(LeadOpportunityUpdated m, CancellationToken ct)
    {
        const string sql = """
            insert into ingestion.lead_opportunity
                (lead_id, integration_id, opportunity_id, crm, stage, amount, close_date, matched_by, updated_at)
            select @LeadId, @IntegrationId, @opportunityId, @Provider, @Stage, @Amount, cast(@closeDate as date), @MatchedBy, @OccurredAt
             where exists (select 1 from ingestion.lead where id = @LeadId)
            on conflict (lead_id, integration_id, opportunity_id) do update
               set stage = excluded.stage, amount = excluded.amount, close_date = excluded.close_date,
                   matched_by = excluded.matched_by, updated_at = excluded.updated_at
             where lead_opportunity.updated_at < excluded.updated_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            m.LeadId, m.IntegrationId, opportunityId = m.OpportunityId ?? "", m.Provider, m.Stage, m.Amount,
            closeDate = m.CloseDate?.ToDateTime(TimeOnly.MinValue), m.MatchedBy, OccurredAt = m.OccurredAt.ToUniversalTime(),
        }, cancellationToken: ct)) > 0;
    }

    public static async Task<IReadOnlyList<Opportunity>> ListAsync(NpgsqlConnection connection, Guid leadId, CancellationToken ct)
    {
        const string sql = """
            select opportunity_id as OpportunityId, integration_id as IntegrationId, crm as Crm, stage as Stage, amount as Amount,
                   to_char(close_date, 'YYYY-MM-DD') as CloseDate, matched_by as MatchedBy, updated_at as UpdatedAt
              from ingestion.lead_opportunity where lead_id = @leadId order by updated_at desc, opportunity_id
            """;
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { leadId }, cancellationToken: ct));
        return rows.Select(r => new Opportunity(r.OpportunityId, r.IntegrationId, r.Crm, r.Stage, r.Amount,
            r.CloseDate is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null, r.MatchedBy, new DateTimeOffset(r.UpdatedAt, TimeSpan.Zero))).ToList();
    }
}
