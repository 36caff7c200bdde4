using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>Queue <c>ingestion-crm-circuits</c>: records the connectors' breaker transitions for the overview.</summary>
public sealed class CrmCircuitConsumer(CrmCircuits circuits) : IConsumer<CrmCircuitChanged>
{
    public const string Queue = "ingestion-crm-circuits";

    public Task Consume(ConsumeContext<CrmCircuitChanged> context) => circuits.RecordAsync(context.Message, context.CancellationToken);
}
