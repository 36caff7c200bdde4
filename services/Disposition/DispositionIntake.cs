using Dapper;
using LeadPlatform.Integrations;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// One change a CRM reported through its own channel. <see cref="StatusProperty"/> names the CRM field the status
/// came from when the channel sends a record's whole state rather than a change (a poll, an outbound message):
/// the status is then applied only when it differs from the last value that field had.
/// </summary>
public sealed record CrmChange(DispositionEvent Event, string? StatusProperty = null);

public sealed record IntakeOutcome(int Applied, int Duplicates, int Skipped, IReadOnlyList<Guid> Leads);

/// <summary>
/// Applies changes from a CRM's native channel (HubSpot webhooks, Salesforce outbound messages, API polling).
/// Unlike the platform's own push, such a channel reports every record of the CRM, not only ours, so a change
/// for a record we did not deliver is skipped rather than refused (refusing would make the CRM resend it forever).
/// </summary>
public sealed class DispositionIntake(LeadResolver resolver, DispositionApplier applier, NpgsqlDataSource dataSource, ILogger<DispositionIntake> logger)
{
    public async Task<IntakeOutcome> ApplyAsync(
        Integration integration, IEnumerable<CrmChange> changes, string source, IPublishEndpoint publish, CancellationToken ct)
    {
        int applied = 0, duplicates = 0, skipped = 0;
        var leads = new List<Guid>();
        foreach (var (original, property) in changes)
        {
            var e = original;
            var resolved = await resolver.ResolveAsync(integration, e, ct);
            if (resolved is null && e.RecordId is not null && e.ContactEmail is not null)
            {
                // A record we did not deliver (an opportunity on a contact the CRM user created): its contact's email
                // may still match a lead delivered through this integration.
                e = e with { RecordId = null };
                resolved = await resolver.ResolveAsync(integration, e, ct);
            }
            if (resolved is not { } leadId)
            {
                skipped++;
                continue;
            }
            if (property is not null && e.Status is { } status && e.RecordId is { } recordId
                && await LastSeenAsync(integration.Id, recordId, property, ct) == status)
            {
                e = e with { Status = null };
            }
            if (e.Status is null && e.Activities.Count == 0 && e.Opportunity is null)
            {
                duplicates++;
                continue;
            }
            var outcome = await applier.ApplyAsync(integration, leadId, e, source, publish, ct);
            applied += outcome.Applied;
            duplicates += outcome.Duplicates;
            if (property is not null && e.Status is { } newStatus && e.RecordId is { } record)
            {
                await RememberAsync(integration.Id, record, property, newStatus, ct);
            }
            if (!leads.Contains(leadId))
            {
                leads.Add(leadId);
            }
        }
        if (skipped > 0)
        {
            logger.LogDebug("{Skipped} change(s) from {IntegrationId} name records the platform did not deliver", skipped, integration.Id);
        }
        return new IntakeOutcome(applied, duplicates, skipped, leads);
    }

    private async Task<string?> LastSeenAsync(string integrationId, string recordId, string property, CancellationToken ct)
    {
        const string sql = """
            select value from disposition.crm_property_seen
             where integration_id = @integrationId and record_id = @recordId and property = @property
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { integrationId, recordId, property }, cancellationToken: ct));
    }

    private async Task RememberAsync(string integrationId, string recordId, string property, string value, CancellationToken ct)
    {
        const string sql = """
            insert into disposition.crm_property_seen (integration_id, record_id, property, value)
            values (@integrationId, @recordId, @property, @value)
            on conflict (integration_id, record_id, property) do update set value = excluded.value, seen_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { integrationId, recordId, property, value }, cancellationToken: ct));
    }
}
