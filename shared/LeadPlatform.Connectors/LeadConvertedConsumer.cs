using System.Diagnostics;
using LeadPlatform.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Connectors;

/// <summary>
/// Receives the <see cref="LeadConverted"/> messages routed to <c>connector-{crm}</c> (<see cref="CrmRouting"/>) and works
/// the deliveries planned for this connector's CRM. The ledger makes a redelivered or duplicated message a no-op.
/// </summary>
public sealed class LeadConvertedConsumer(DeliveryLedger ledger, DeliveryProcessor processor, IOptions<ConnectorOptions> options)
    : IConsumer<LeadConverted>
{
    private readonly ConnectorOptions _options = options.Value;

    public async Task Consume(ConsumeContext<LeadConverted> context)
    {
        var ct = context.CancellationToken;
        foreach (var delivery in context.Message.Deliveries.Where(d => string.Equals(d.Crm, _options.Crm, StringComparison.OrdinalIgnoreCase)))
        {
            var claimed = await ledger.EnsureClaimedAsync(context.Message, delivery, Activity.Current?.Id, _options.Lease, ct);
            if (claimed is not null)
            {
                await processor.RunAsync(claimed, context, ct);
                continue;
            }
            // Already finished or held elsewhere. If it finished but its outcome never left, send it now.
            var entry = await ledger.FindAsync(context.Message.LeadId, delivery.IntegrationId, ct);
            if (entry is { State: LedgerStates.Delivered or LedgerStates.Failed, OutcomePublished: false })
            {
                await processor.RepublishAsync(entry, context, ct);
            }
        }
    }
}
