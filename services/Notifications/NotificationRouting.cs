using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Notifications;

/// <summary>
/// This service's two lead queues take only the messages of leads someone may be told of (<see cref="NotificationRoute"/>):
/// bound through topic exchanges of their own (<see cref="TopicRouting"/>) with <see cref="NotificationRoute.BindingKey"/>
/// and the empty key. Bound to the fanout exchanges, as MassTransit would, every lead of every integration came twice
/// to a service that has nothing to do for an integration without recipients.
/// </summary>
public static class NotificationRouting
{
    private static readonly string[] Keys = [NotificationRoute.BindingKey, ""];
    private static readonly string[] Converted = [TopicRouting.MessageExchange<LeadConverted>()];
    private static readonly string[] Delivered = [TopicRouting.MessageExchange<LeadDelivered>()];

    public static void AddNotificationRouting(this IHostApplicationBuilder builder, IBusRegistrationConfigurator bus)
    {
        bus.AddConfigureEndpointsCallback((_, name, endpoint) =>
        {
            if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                return;
            }
            if (name == NotifiedLeadRecorderDefinition.Queue)
            {
                rabbit.ConfigureMessageTopology<LeadConverted>(false);
                rabbit.BindThroughTopic(name, Keys, Converted);
            }
            else if (name == LeadDeliveredNotifierDefinition.Queue)
            {
                rabbit.ConfigureMessageTopology<LeadDelivered>(false);
                rabbit.BindThroughTopic(name, Keys, Delivered);
            }
        });
        // A copy arriving both ways while the old bindings go is a repeat: the lead is kept once, the email claimed once.
        builder.Services.AddReceiveEndpointObserver(sp => new TopicRouting.DirectBindings(sp.GetRequiredService<RabbitMqAddress>(),
            sp.GetRequiredService<ILogger<TopicRouting.DirectBindings>>(),
            new Dictionary<string, string[]> { [NotifiedLeadRecorderDefinition.Queue] = Converted, [LeadDeliveredNotifierDefinition.Queue] = Delivered }));
    }
}
