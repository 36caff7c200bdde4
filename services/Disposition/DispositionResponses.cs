using System.Text.Json;

namespace LeadPlatform.Disposition;

/// <summary>
/// What Disposition's endpoints take and answer where the handlers read raw JSON or build anonymous objects, named so
/// the OpenAPI document describes them. Same property names as the handlers use; camelCase on the wire.
/// </summary>
public static class DispositionResponses
{
    /// <summary>
    /// <c>POST /v1/dispositions/{integrationId}</c>: the platform's own shape (one of these or an array of them). A CRM
    /// with its own webhook format (Salesforce change events) posts that instead. The lead: leadId, recordId or contactEmail.
    /// </summary>
    public sealed record PushedDisposition(string? EventId, Guid? LeadId, string? RecordId, string? ContactEmail, string? Status,
        IReadOnlyList<PushedActivity>? Activities, OpportunityInput? Opportunity, DateTimeOffset? OccurredAt);

    public sealed record PushedActivity(string Type, string? Details, DateTimeOffset? OccurredAt);

    /// <summary>HubSpot's webhook batch: an array of its events (subscriptionType, objectId, propertyName, propertyValue...).</summary>
    public sealed record HubSpotEvent(long? EventId, string SubscriptionType, long? ObjectId, string? PropertyName, string? PropertyValue, long OccurredAt);

    /// <summary>What a push applied: events new to the lead, repeats ignored, the leads touched.</summary>
    public sealed record PushOutcome(int Applied, int Duplicates, IReadOnlyList<Guid> Leads);

    /// <summary>A HubSpot batch's outcome: also the events that carry nothing for the platform.</summary>
    public sealed record HubSpotOutcome(int Applied, int Duplicates, int Skipped, IReadOnlyList<Guid> Leads);

    /// <summary><c>GET /v1/leads/{leadId}/timeline</c>.</summary>
    public sealed record Timeline(Guid LeadId, string Status, string? RawStatus, DateTimeOffset? StatusAt, IReadOnlyList<TimelineEntry> Entries);

    public sealed record TimelineEntry(string Kind, string Source, string? IntegrationId, string? Provider, string? Raw, string? Value,
        bool Mapped, JsonElement? Details, DateTimeOffset? OccurredAt, DateTimeOffset? RecordedAt);

    /// <summary><c>GET /v1/dispositions/unmapped</c>.</summary>
    public sealed record Unmapped(IReadOnlyList<UnmappedProvider> Providers);

    public sealed record UnmappedProvider(string Provider, IReadOnlyList<UnmappedValue> Statuses, IReadOnlyList<UnmappedValue> Activities);

    public sealed record UnmappedValue(string Raw, long Count, DateTimeOffset? FirstSeenAt, DateTimeOffset? LastSeenAt);
}
