using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.Operations;

namespace LeadPlatform.Ingestion.Api;

/// <summary>
/// The answers that Ingestion's handlers build as anonymous objects, named so the OpenAPI document describes them
/// (<c>.Produces&lt;T&gt;()</c>). Same property names as the handlers write; camelCase on the wire.
/// </summary>
public static class IngestionResponses
{
    /// <summary><c>GET /v1/leads/{leadId}</c>.</summary>
    public sealed record LeadView(Guid LeadId, string Status, DateTimeOffset AcceptedAt, Lead Lead, IReadOnlyList<LeadDeliveryView> Deliveries);

    public sealed record LeadDeliveryView(string IntegrationId, string Crm, string State, int Attempts, JsonElement? RecordIds, string? LastError, DateTimeOffset UpdatedAt);

    /// <summary><c>GET /v1/admin/me</c>.</summary>
    public sealed record AdminIdentity(string Name, string Role, string? AccountId);

    /// <summary><c>GET /v1/leads/search</c>: a page, and the cursor of the next (null on the last).</summary>
    public sealed record LeadSearchPage(IReadOnlyList<LeadSearchHit> Leads, string? Next);

    public sealed record LeadSearchHit(Guid LeadId, string AccountId, string Source, string SourceLeadId, string Status,
        DateTimeOffset AcceptedAt, string? FirstName, string? LastName, string? Email);

    /// <summary><c>GET /v1/admin/leads/{leadId}</c>: the lead and its deliveries from ingestion's delivery view ("view" repeats "deliveries" for older clients).</summary>
    public sealed record AdminLeadView(Guid LeadId, OperationsEndpoints.LeadSummary? Lead, IReadOnlyList<DeliveryRow> View,
        IReadOnlyList<DeliveryRow> Deliveries);

    /// <summary><c>GET /v1/admin/deliveries/failed</c>.</summary>
    public sealed record FailedDeliveriesPage(int Total, IReadOnlyList<DeliveryRow> Deliveries);

    /// <summary>The replay routes; <c>remaining</c> only on a batch.</summary>
    public sealed record ReplayOutcome(int Replayed, int? Remaining, IReadOnlyList<DeliveryRow> Deliveries);

    /// <summary><c>GET /v1/admin/error-queues/{queue}/messages</c>: the first messages and their fault reasons (no body).</summary>
    public sealed record ErrorQueuePeek(string Queue, IReadOnlyList<FaultedMessage> Messages);

    /// <summary><c>POST /v1/admin/error-queues/{queue}/drain</c>.</summary>
    public sealed record DrainOutcome(string Queue, string SourceQueue, int Moved, int? Left);
}
