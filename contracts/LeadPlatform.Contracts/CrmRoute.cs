namespace LeadPlatform.Contracts;

/// <summary>
/// How <see cref="LeadConverted"/> and <see cref="LeadUpdated"/> reach only the connectors of their planned CRMs.
/// Ingestion publishes them with the CRMs as the routing key (<c>alis.enquire</c>); each connector binds its queue
/// through a topic exchange of its own with <see cref="BindingKey"/>, and with the empty key, so a message published
/// without one (an older publisher, a test) still reaches every connector, as the plain fanout did.
/// </summary>
public static class CrmRoute
{
    /// <summary>AMQP's limit on a routing key, in bytes.</summary>
    private const int MaxKeyLength = 255;

    /// <summary>The planned CRMs, lower-case, sorted and dot-separated; empty (every connector) when one cannot be a topic word.</summary>
    public static string RoutingKey(IEnumerable<PlannedDelivery> deliveries)
    {
        var crms = deliveries.Select(d => d.Crm.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        if (crms.Count == 0 || !crms.All(IsTopicWord))
        {
            return "";
        }
        var key = string.Join('.', crms);
        return FitsRoutingKey(key) ? key : "";
    }

    internal static bool FitsRoutingKey(string key) => System.Text.Encoding.UTF8.GetByteCount(key) <= MaxKeyLength;

    /// <summary>The topic pattern a connector of <paramref name="crm"/> binds with: any key naming it.</summary>
    public static string BindingKey(string crm)
    {
        var word = crm.ToLowerInvariant();
        return IsTopicWord(word) ? $"#.{word}.#" : "#";
    }

    private static bool IsTopicWord(string word) => word.Length > 0 && word.IndexOfAny(['.', '*', '#']) < 0;
}
