namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>The events a source can subscribe to, as the webhook payload's <c>type</c> names them.</summary>
public static class WebhookEventTypes
{
    public const string Accepted = "lead.accepted";
    public const string Delivered = "lead.delivered";
    public const string DeliveryFailed = "lead.delivery_failed";
    public const string StatusChanged = "lead.status_changed";
    public const string ActivityRecorded = "lead.activity_recorded";
    public const string OpportunityUpdated = "lead.opportunity_updated";

    public static readonly IReadOnlyList<string> All = [Accepted, Delivered, DeliveryFailed, StatusChanged, ActivityRecorded, OpportunityUpdated];
}
