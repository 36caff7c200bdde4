using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// Puts the platform's own events on the lead's timeline (converted, each delivery and failure) and learns
/// which CRM record ids belong to which lead. Redelivered messages hit the dedupe key and add nothing.
/// </summary>
public sealed class LeadTimelineConsumer(NpgsqlDataSource dataSource)
    : IConsumer<LeadConverted>, IConsumer<LeadDelivered>, IConsumer<LeadDeliveryFailed>
{
    public async Task Consume(ConsumeContext<LeadConverted> context)
    {
        var m = context.Message;
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        if (await ErasedAsync(connection, m.LeadId, context.CancellationToken))
        {
            return;
        }
        await KnowLeadAsync(connection, m.LeadId, m.Lead.AccountId, m.Lead.Prospect.Email ?? m.Lead.Contact?.Email, context.CancellationToken);
        await AddAsync(connection, m.LeadId, "converted", null, null, new { source = m.Lead.Source, deliveries = m.Deliveries.Count },
            m.AcceptedAt.ToUniversalTime(), $"converted:{m.LeadId}", context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<LeadDelivered> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ErasedAsync(connection, m.LeadId, ct))
        {
            return;
        }
        await KnowLeadAsync(connection, m.LeadId, null, null, ct);
        const string recordSql = """
            insert into disposition.crm_record (integration_id, record_id, record_kind, lead_id)
            values (@IntegrationId, @RecordId, @Kind, @LeadId)
            on conflict (integration_id, record_id) do nothing
            """;
        foreach (var (kind, recordId) in m.RecordIds)
        {
            await connection.ExecuteAsync(new CommandDefinition(recordSql, new { m.IntegrationId, RecordId = recordId, Kind = kind, m.LeadId }, cancellationToken: ct));
        }
        await AddAsync(connection, m.LeadId, "delivered", m.IntegrationId, m.Crm,
            new { crm = m.Crm, recordIds = m.RecordIds, outcome = m.Outcome, attempts = m.Attempts },
            m.DeliveredAt.ToUniversalTime(), $"delivered:{m.LeadId}:{m.IntegrationId}:{m.DeliveredAt.UtcTicks}", ct);
        await transaction.CommitAsync(ct);
    }

    public async Task Consume(ConsumeContext<LeadDeliveryFailed> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await ErasedAsync(connection, m.LeadId, ct))
        {
            return;
        }
        await KnowLeadAsync(connection, m.LeadId, null, null, ct);
        await AddAsync(connection, m.LeadId, "delivery-failed", m.IntegrationId, m.Crm,
            new { crm = m.Crm, reason = m.Reason, permanent = m.Permanent, attempts = m.Attempts },
            m.FailedAt.ToUniversalTime(), $"failed:{m.LeadId}:{m.IntegrationId}:{m.FailedAt.UtcTicks}", ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>An event of an erased lead still in flight (DispositionErasureConsumer keeps the ids): it adds nothing.</summary>
    private static Task<bool> ErasedAsync(NpgsqlConnection connection, Guid leadId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from disposition.erased_lead where lead_id = @leadId)", new { leadId }, cancellationToken: ct));

    private static async Task KnowLeadAsync(NpgsqlConnection connection, Guid leadId, string? accountId, string? email, CancellationToken ct)
    {
        const string sql = """
            insert into disposition.lead (lead_id, account_id, email, trace_parent) values (@leadId, @accountId, lower(@email), @traceParent)
            on conflict (lead_id) do update set account_id = coalesce(disposition.lead.account_id, excluded.account_id),
                                                email = coalesce(disposition.lead.email, excluded.email),
                                                trace_parent = coalesce(disposition.lead.trace_parent, excluded.trace_parent)
            """;
        // Every message consumed here travels in the lead's trace.
        var traceParent = System.Diagnostics.Activity.Current?.Id;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, accountId, email, traceParent }, cancellationToken: ct));
    }

    private static async Task AddAsync(
        NpgsqlConnection connection, Guid leadId, string kind, string? integrationId, string? provider, object details,
        DateTimeOffset occurredAt, string dedupeKey, CancellationToken ct)
    {
        const string sql = """
            insert into disposition.timeline (lead_id, kind, source, integration_id, provider, details, occurred_at, dedupe_key)
            values (@leadId, @kind, 'platform', @integrationId, @provider, @details::jsonb, @occurredAt, @dedupeKey)
            on conflict (dedupe_key) do nothing
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadId, kind, integrationId, provider, details = JsonSerializer.Serialize(details, PlatformJson.Options), occurredAt, dedupeKey,
        }, cancellationToken: ct));
    }
}
