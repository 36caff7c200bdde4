using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors;

/// <summary>
/// The two outcome events of a delivery, built in one place: when a delivery finishes and when a finished one whose
/// event never left is published again, which must be the same event (consumers dedupe on it).
/// </summary>
public static class DeliveryOutcomes
{
    public static LeadDelivered Delivered(LedgerEntry entry, IReadOnlyDictionary<string, string> recordIds, string outcome, int attempts,
        DateTimeOffset acceptedAt, DateTimeOffset deliveredAt) => new()
    {
        LeadId = entry.LeadId,
        IntegrationId = entry.IntegrationId,
        Crm = entry.Crm,
        RecordIds = recordIds,
        Outcome = outcome,
        Attempts = attempts,
        AcceptedAt = acceptedAt,
        DeliveredAt = deliveredAt,
    };

    public static LeadDeliveryFailed Failed(LedgerEntry entry, string reason, bool permanent, int attempts, DateTimeOffset failedAt) => new()
    {
        LeadId = entry.LeadId,
        IntegrationId = entry.IntegrationId,
        Crm = entry.Crm,
        Reason = reason,
        Permanent = permanent,
        Attempts = attempts,
        FailedAt = failedAt,
    };
}
