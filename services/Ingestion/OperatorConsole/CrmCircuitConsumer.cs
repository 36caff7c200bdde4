using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>Records the connectors' breaker transitions for the overview (<see cref="CrmCircuitConsumerDefinition"/>).</summary>
public sealed class CrmCircuitConsumer(CrmCircuits circuits) : IConsumer<CrmCircuitChanged>
{
    public Task Consume(ConsumeContext<CrmCircuitChanged> context) => circuits.RecordAsync(context.Message, context.CancellationToken);
}
