namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Queue <c>ingestion-delivery-view</c>. An outcome that arrives while PostgreSQL is briefly away is retried rather
/// than dead-lettered: otherwise the lead's delivery view would stay "pending" although the CRM has it.
/// </summary>
public sealed class DeliveryOutcomeConsumerDefinition() : GroupCommitConsumerDefinition<DeliveryOutcomeConsumer>("ingestion-delivery-view");
