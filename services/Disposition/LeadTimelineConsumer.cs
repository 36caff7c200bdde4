using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>
/// Puts the platform's own events on the lead's timeline (converted, each delivery and failure) and learns
/// which CRM record ids belong to which lead (<see cref="PlatformTimeline"/>). Redelivered messages hit the dedupe key
/// and add nothing.
/// </summary>
public sealed class LeadTimelineConsumer(PlatformTimeline timeline)
    : IConsumer<LeadConverted>, IConsumer<LeadDelivered>, IConsumer<LeadDeliveryFailed>
{
    public Task Consume(ConsumeContext<LeadConverted> context)
    {
        var m = context.Message;
        return WriteAsync(context, m.LeadId, "converted", null, null, new { source = m.Lead.Source, deliveries = m.Deliveries.Count },
            m.AcceptedAt, $"converted:{m.LeadId}", accountId: m.Lead.AccountId, email: m.Lead.Prospect.Email ?? m.Lead.Contact?.Email);
    }

    public Task Consume(ConsumeContext<LeadDelivered> context)
    {
        var m = context.Message;
        return WriteAsync(context, m.LeadId, "delivered", m.IntegrationId, m.Crm,
            new { crm = m.Crm, recordIds = m.RecordIds, outcome = m.Outcome, attempts = m.Attempts },
            m.DeliveredAt, $"delivered:{m.LeadId}:{m.IntegrationId}:{m.DeliveredAt.UtcTicks}",
            records: m.RecordIds.Select(r => new PlatformTimeline.CrmRecord(m.IntegrationId, r.Value, r.Key)).ToList());
    }

    public Task Consume(ConsumeContext<LeadDeliveryFailed> context)
    {
        var m = context.Message;
        return WriteAsync(context, m.LeadId, "delivery-failed", m.IntegrationId, m.Crm,
            new { crm = m.Crm, reason = m.Reason, permanent = m.Permanent, attempts = m.Attempts },
            m.FailedAt, $"failed:{m.LeadId}:{m.IntegrationId}:{m.FailedAt.UtcTicks}");
    }

    private Task WriteAsync(ConsumeContext context, Guid leadId, string kind, string? integrationId, string? provider, object details,
        DateTimeOffset occurredAt, string dedupeKey, string? accountId = null, string? email = null,
        IReadOnlyList<PlatformTimeline.CrmRecord>? records = null) =>
        timeline.WriteAsync(new PlatformTimeline.Entry(leadId, accountId, email,
            // Every message consumed here travels in the lead's trace.
            System.Diagnostics.Activity.Current?.Id,
            kind, integrationId, provider, JsonSerializer.Serialize(details, PlatformJson.Options), occurredAt, dedupeKey, records ?? []),
            context.CancellationToken);
}
