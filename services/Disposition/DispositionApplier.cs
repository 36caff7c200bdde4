using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Disposition;

public sealed record ApplyOutcome(int Applied, int Duplicates);

/// <summary>
/// Applies one normalized disposition event to a lead, once: each timeline row carries a key made of the
/// integration and the provider's event id (or a content hash), so a redelivered event inserts nothing.
/// </summary>
public sealed class DispositionApplier(NpgsqlDataSource dataSource, DealerProviderCatalog dealerProviders, ILogger<DispositionApplier> logger)
{
    public async Task<ApplyOutcome> ApplyAsync(
        Integration integration, Guid leadId, DispositionEvent e, string source, IPublishEndpoint publish, CancellationToken ct)
    {
        // timestamptz takes UTC offsets only.
        e = e with { OccurredAt = e.OccurredAt.ToUniversalTime() };
        var dealerProvider = await DealerProviderOfAsync(integration, ct);
        var normalizer = Normalizer.For(integration, dealerProvider);
        // A dealer's values are listed per provider ("adf:dx1"): that is the vocabulary someone would extend.
        var provider = dealerProvider is null ? integration.Crm : $"{integration.Crm}:{dealerProvider.Id}";
        var eventKey = $"{integration.Id}:{e.EventId ?? ContentHash(e)}";
        var messages = new List<object>();
        int applied = 0, duplicates = 0;

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string traceSql = "select trace_parent from disposition.lead where lead_id = @leadId";
        var leadTrace = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(traceSql, new { leadId }, cancellationToken: ct));
        using var span = LeadTraceLinks.StartLinked("apply disposition", leadTrace);
        var recorded = span.IfRecorded();
        recorded?.SetTag(LeadTags.LeadId, leadId);
        recorded?.SetTag(LeadTags.IntegrationId, integration.Id);
        recorded?.SetTag(LeadTags.Crm, integration.Crm);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (e.Status is { } rawStatus)
        {
            var status = normalizer.Status(rawStatus);
            if (await InsertAsync(connection, leadId, "status", source, integration, provider, status, null, e.OccurredAt, $"{eventKey}:status", ct))
            {
                applied++;
                await MoveStatusAsync(connection, leadId, status, e.OccurredAt, ct);
                messages.Add(new LeadStatusChanged
                {
                    LeadId = leadId, IntegrationId = integration.Id, Provider = provider,
                    RawStatus = status.Raw, Status = status.Value, OccurredAt = e.OccurredAt,
                });
            }
            else
            {
                duplicates++;
            }
        }
        for (var i = 0; i < e.Activities.Count; i++)
        {
            var input = e.Activities[i];
            var activity = normalizer.Activity(input.Type);
            var occurredAt = input.OccurredAt?.ToUniversalTime() ?? e.OccurredAt;
            if (await InsertAsync(connection, leadId, "activity", source, integration, provider, activity, input.Details, occurredAt, $"{eventKey}:activity:{i}", ct))
            {
                applied++;
                messages.Add(new LeadActivityRecorded
                {
                    LeadId = leadId, IntegrationId = integration.Id, Provider = provider,
                    RawType = activity.Raw, Activity = activity.Value, Details = input.Details, OccurredAt = occurredAt,
                });
            }
            else
            {
                duplicates++;
            }
        }
        if (e.Opportunity is { } opportunity && SharesOpportunities(integration))
        {
            if (await InsertOpportunityAsync(connection, leadId, source, integration, opportunity, e.OccurredAt, $"{eventKey}:opportunity", ct))
            {
                applied++;
                messages.Add(new LeadOpportunityUpdated
                {
                    LeadId = leadId, IntegrationId = integration.Id, Provider = integration.Crm,
                    Stage = opportunity.Stage, Amount = opportunity.Amount, CloseDate = opportunity.CloseDate, OccurredAt = e.OccurredAt,
                    OpportunityId = opportunity.Id, MatchedBy = e.RecordId is null && e.LeadId is null && e.ContactEmail is not null ? "email" : "record",
                });
            }
            else
            {
                duplicates++;
            }
        }
        // Published before commit: if the commit fails the caller retries and republishes (consumers are
        // idempotent), whereas publishing after commit could lose the event for good.
        foreach (var message in messages)
        {
            await publish.PublishBoundedAsync(message, ct);
        }
        await transaction.CommitAsync(ct);
        if (applied > 0)
        {
            logger.LogInformation("Applied {Applied} disposition change(s) from {IntegrationId} ({Source}) to lead {LeadId}", applied, integration.Id, source, leadId);
        }
        return new ApplyOutcome(applied, duplicates);
    }

    private static async Task<bool> InsertAsync(
        NpgsqlConnection connection, Guid leadId, string kind, string source, Integration integration, string provider,
        Normalized value, string? details, DateTimeOffset occurredAt, string dedupeKey, CancellationToken ct)
    {
        const string sql = """
            insert into disposition.timeline
                (lead_id, kind, source, integration_id, provider, raw_value, value, mapped, details, occurred_at, dedupe_key)
            values (@leadId, @kind, @source, @integrationId, @provider, @raw, @value, @mapped, @details::jsonb, @occurredAt, @dedupeKey)
            on conflict (dedupe_key) do nothing
            """;
        var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadId, kind, source, integrationId = integration.Id, provider, raw = value.Raw,
            value = value.Value, mapped = value.Mapped,
            details = details is null ? null : JsonSerializer.Serialize(new { details }, PlatformJson.Options),
            occurredAt, dedupeKey,
        }, cancellationToken: ct)) > 0;
        if (inserted)
        {
            DispositionMetrics.Applied(integration.Crm, kind);
        }
        if (inserted && !value.Mapped)
        {
            DispositionMetrics.Unmapped(integration.Crm, kind);
            const string unmapped = """
                insert into disposition.unmapped (provider, kind, raw_value, seen) values (@provider, @kind, @raw, 1)
                on conflict (provider, kind, raw_value) do update set seen = unmapped.seen + 1, last_seen_at = now()
                """;
            await connection.ExecuteAsync(new CommandDefinition(unmapped, new { provider, kind, raw = value.Raw }, cancellationToken: ct));
        }
        return inserted;
    }

    /// <summary>The dealer provider an ADF integration names (settings.dealerProvider); null for every other integration.</summary>
    private async Task<DealerProvider?> DealerProviderOfAsync(Integration integration, CancellationToken ct) =>
        integration.Crm.Equals("adf", StringComparison.OrdinalIgnoreCase) && DealerProviderCatalog.ProviderIdOf(integration) is { } id
            ? await dealerProviders.FindAsync(id, ct)
            : null;

    /// <summary>Opportunity information flows back to the supplier only where the integration says so (<c>settings.shareOpportunities</c>).</summary>
    public static bool SharesOpportunities(Integration integration) => integration.SettingsAs<OpportunitySettings>().ShareOpportunities;

    private sealed class OpportunitySettings
    {
        public bool ShareOpportunities { get; init; }
    }

    private static async Task<bool> InsertOpportunityAsync(
        NpgsqlConnection connection, Guid leadId, string source, Integration integration, OpportunityInput opportunity,
        DateTimeOffset occurredAt, string dedupeKey, CancellationToken ct)
    {
        const string sql = """
            insert into disposition.timeline (lead_id, kind, source, integration_id, provider, raw_value, details, occurred_at, dedupe_key)
            values (@leadId, 'opportunity', @source, @integrationId, @provider, @stage, @details::jsonb, @occurredAt, @dedupeKey)
            on conflict (dedupe_key) do nothing
            """;
        return await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadId, source, integrationId = integration.Id, provider = integration.Crm, stage = opportunity.Stage,
            details = JsonSerializer.Serialize(opportunity, PlatformJson.Options), occurredAt, dedupeKey,
        }, cancellationToken: ct)) > 0;
    }

    /// <summary>Out-of-order safe: only an event at least as late as the current status moves it.</summary>
    private static async Task MoveStatusAsync(NpgsqlConnection connection, Guid leadId, Normalized status, DateTimeOffset occurredAt, CancellationToken ct)
    {
        if (!status.Mapped)
        {
            return;
        }
        const string sql = """
            update disposition.lead set status = @value, raw_status = @raw, status_at = @occurredAt
             where lead_id = @leadId and (status_at is null or status_at <= @occurredAt)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new { leadId, value = status.Value, raw = status.Raw, occurredAt }, cancellationToken: ct));
    }

    /// <summary>For providers without event ids: the same content is the same event.</summary>
    public static string ContentHash(DispositionEvent e)
    {
        var content = JsonSerializer.Serialize(new
        {
            e.LeadId, e.RecordId, e.ContactEmail, e.Status, e.Opportunity,
            activities = e.Activities.Select(a => new { a.Type, a.Details, a.OccurredAt }),
            e.OccurredAt,
        });
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }
}
