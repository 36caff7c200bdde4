namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Queue <c>ingestion-outcomes</c> (until 2026-12-04 <c>ingestion-delivery-view</c>, see
/// <see cref="RetiredDeliveryViewConsumer"/>). An outcome that arrives while PostgreSQL is briefly away is retried rather
/// than dead-lettered: otherwise the lead's delivery view would stay "pending" although the CRM has it.
/// </summary>
public sealed class DeliveryOutcomeConsumerDefinition() : GroupCommitConsumerDefinition<DeliveryOutcomeConsumer>(Queue)
{
    public const string Queue = "ingestion-outcomes";
}
