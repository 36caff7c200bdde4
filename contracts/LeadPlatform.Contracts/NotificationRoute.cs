namespace LeadPlatform.Contracts;

/// <summary>
/// How <see cref="LeadConverted"/> and <see cref="LeadDelivered"/> reach the notifications service only when an
/// integration they concern has notification recipients. The publisher adds the word <see cref="Notify"/> to the
/// routing key (<c>alis.enquire.notify</c>; a <c>LeadDelivered</c> carries <c>notify</c> or <see cref="Silent"/>), and
/// notifications binds its queues through topic exchanges of its own with <see cref="BindingKey"/> and the empty key,
/// so a message published without a key (an older publisher, a test) still reaches it. Connectors match their CRM's
/// word anywhere in the key (<see cref="CrmRoute.BindingKey"/>), so the added word changes nothing for them.
/// </summary>
public static class NotificationRoute
{
    public const string Notify = "notify";

    /// <summary>A <c>LeadDelivered</c>'s key when its integration has no recipients: any non-empty key without <see cref="Notify"/>.</summary>
    public const string Silent = "silent";

    /// <summary>The topic pattern notifications binds with: any key with the word <see cref="Notify"/>.</summary>
    public const string BindingKey = "#." + Notify + ".#";

    /// <summary>The CRMs' key (<see cref="CrmRoute.RoutingKey"/>) with <see cref="Notify"/> added when asked; empty stays empty (everyone gets it).</summary>
    public static string LeadKey(IEnumerable<PlannedDelivery> deliveries, bool notify)
    {
        var crms = CrmRoute.RoutingKey(deliveries);
        if (!notify || crms.Length == 0)
        {
            return crms;
        }
        var key = $"{crms}.{Notify}";
        return CrmRoute.FitsRoutingKey(key) ? key : "";
    }

    public static string DeliveredKey(bool notify) => notify ? Notify : Silent;
}
