using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Queue <c>ingestion-delivery-view</c>, the delivery view's until 2026-12-04. Since then the view's consumer also
/// writes the outcomes' webhooks, on a queue of its own: an instance of an earlier version, still consuming this queue
/// during a rolling update, would otherwise take outcomes whose webhooks nobody writes once <c>ingestion-webhooks</c>
/// no longer gets them. Bound to nothing (<see cref="Operations.RetiredBindings"/> removes its bindings); consumed only
/// to finish what was queued here, with the same code.
/// </summary>
public sealed class RetiredDeliveryViewConsumer(NpgsqlDataSource dataSource, DeliveredView deliveredView)
    : DeliveryOutcomeConsumer(dataSource, deliveredView);

public sealed class RetiredDeliveryViewConsumerDefinition()
    : GroupCommitConsumerDefinition<RetiredDeliveryViewConsumer>(Queue, consumeTopology: false)
{
    public const string Queue = "ingestion-delivery-view";
}
