using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;

namespace LeadPlatform.Notifications;

/// <summary>
/// Keeps the converted lead when one of its planned integrations has notification recipients, so the
/// <c>LeadDelivered</c> notifier has the lead without reading another service's table.
/// </summary>
public sealed class NotifiedLeadRecorder(IntegrationStore integrations, NotificationLog log) : IConsumer<LeadConverted>
{
    public async Task Consume(ConsumeContext<LeadConverted> context)
    {
        var converted = context.Message;
        var ct = context.CancellationToken;
        foreach (var delivery in converted.Deliveries)
        {
            // An integration this service's catalog does not show yet (just saved) may have recipients: kept too.
            if (NotificationSettings.MayNotify(await integrations.FindAsync(delivery.IntegrationId, ct)))
            {
                await log.RecordLeadAsync(converted.LeadId, JsonSerializer.Serialize(converted, PlatformJson.Options), ct);
                return;
            }
        }
    }
}

public sealed class NotifiedLeadRecorderDefinition : ConsumerDefinition<NotifiedLeadRecorder>
{
    public const string Queue = "notifications-lead-converted";

    public NotifiedLeadRecorderDefinition() => EndpointName = Queue;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<NotifiedLeadRecorder> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
}
