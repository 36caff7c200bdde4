using LeadPlatform.Ingestion.ReadModel;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// Queue <c>ingestion-webhooks</c>, its own: the delivery view's queue keeps its pace whatever the subscribers do.
/// Events consumed together share a commit (<see cref="WebhookEventLog"/>); one that arrives while PostgreSQL is
/// briefly away is retried, not dropped.
/// </summary>
public sealed class WebhookEventConsumerDefinition() : GroupCommitConsumerDefinition<WebhookEventConsumer>(Queue)
{
    public const string Queue = "ingestion-webhooks";
}
