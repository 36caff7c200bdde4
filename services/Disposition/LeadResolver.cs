using Dapper;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// Finds the lead a disposition is about: by our lead id, or by the CRM record id (or contact email) the integration
/// delivered. Only leads the integration may speak for are found: by lead id, a lead of the integration's account or
/// one delivered to this integration (an OEM-level integration reaches its dealers' leads that way); anything else is
/// "no such lead", the same answer as for an id that does not exist.
/// </summary>
public sealed class LeadResolver(NpgsqlDataSource dataSource)
{
    public async Task<Guid?> ResolveAsync(Integration integration, DispositionEvent e, CancellationToken ct)
    {
        var integrationId = integration.Id;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (e.LeadId is { } leadId)
        {
            const string byLead = """
                select l.lead_id from disposition.lead l
                 where l.lead_id = @leadId
                   and (l.account_id = @accountId
                        or exists (select 1 from disposition.crm_record r where r.lead_id = l.lead_id and r.integration_id = @integrationId))
                """;
            return await connection.QuerySingleOrDefaultAsync<Guid?>(
                new CommandDefinition(byLead, new { leadId, accountId = integration.AccountId, integrationId }, cancellationToken: ct));
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
