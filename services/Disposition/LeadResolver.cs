using Dapper;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>Finds the lead a disposition is about: by our lead id, or by the CRM record id the integration delivered.</summary>
public sealed class LeadResolver(NpgsqlDataSource dataSource)
{
    public async Task<Guid?> ResolveAsync(string integrationId, DispositionEvent e, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (e.LeadId is { } leadId)
        {
            const string byLead = "select lead_id from disposition.lead where lead_id = @leadId";
            return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(byLead, new { leadId }, cancellationToken: ct));
        }
        if (e.RecordId is null && e.ContactEmail is { } email)
        {
            // Only leads delivered to this integration, the latest first: an email alone must not reach another account's lead.
            const string byEmail = """
                select l.lead_id from disposition.lead l
                 where l.email = lower(@email)
                   and exists (select 1 from disposition.crm_record r where r.lead_id = l.lead_id and r.integration_id = @integrationId)
                 order by l.created_at desc limit 1
                """;
            return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(byEmail, new { integrationId, email }, cancellationToken: ct));
        }
        const string byRecord = """
            select lead_id from disposition.crm_record where integration_id = @integrationId and record_id = @recordId
            """;
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(byRecord, new { integrationId, recordId = e.RecordId }, cancellationToken: ct));
    }
}
