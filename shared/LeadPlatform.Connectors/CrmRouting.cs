using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.Connectors;

/// <summary>
/// The <c>connector-{crm}</c> queue gets the lead messages of its own CRM only (<see cref="CrmRoute"/>). Bound straight
/// to the messages' fanout exchanges, as MassTransit would, every connector got every lead: one quorum-queue write,
/// delivery and acknowledgement per connector deployed, and every connector's queue (which scales it) grew with every
/// lead. Instead it binds through <c>connector-{crm}-routing</c> (<see cref="TopicRouting"/>) with
/// <see cref="CrmRoute.BindingKey"/> and the empty key.
/// </summary>
public static class CrmRouting
{
    /// <summary>The CRM's queue, which its connector instances compete on (and the endpoint's exchange).</summary>
    public static string Queue(string crm) => $"connector-{crm}";

    public static string RoutingExchange(string crm) => TopicRouting.Exchange(Queue(crm));

    /// <summary>MassTransit's name for a message type's exchange (its default entity name formatter).</summary>
    public static string MessageExchange<T>() => TopicRouting.MessageExchange<T>();

    private static readonly string[] LeadMessageExchanges = [MessageExchange<LeadConverted>(), MessageExchange<LeadUpdated>()];

    public static void RouteLeadsByCrm(this IRabbitMqReceiveEndpointConfigurator endpoint, string crm)
    {
        endpoint.ConfigureMessageTopology<LeadConverted>(false);
        endpoint.ConfigureMessageTopology<LeadUpdated>(false);
        endpoint.BindThroughTopic(Queue(crm), [CrmRoute.BindingKey(crm), ""], LeadMessageExchanges);
    }

    /// <summary>
    /// Removes the direct binding an earlier version made (message exchange -> <c>connector-{crm}</c>); a lead arriving
    /// both ways meanwhile is claimed once (the ledger).
    /// </summary>
    public sealed class LegacyBindings(string crm, RabbitMqAddress broker, ILogger<LegacyBindings> logger)
        : TopicRouting.DirectBindings(broker, logger, new Dictionary<string, string[]> { [Queue(crm)] = LeadMessageExchanges });
}
