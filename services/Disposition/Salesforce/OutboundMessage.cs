using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace LeadPlatform.Disposition.Salesforce;

/// <summary>
/// A Salesforce Outbound Messaging <c>notifications</c> SOAP request: the organization it comes from and one
/// <c>Notification</c> per record (its id stays the same when Salesforce resends it), each carrying an
/// <c>sObject</c> with the fields the outbound message was set up to send.
/// </summary>
public sealed record OutboundMessage(string OrganizationId, IReadOnlyList<OutboundNotification> Notifications)
{
    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Outbound = "http://soap.sforce.com/2005/09/outbound";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The answer Salesforce needs before it stops resending: <c>notificationsResponse/Ack = true</c>.</summary>
    public static string Ack(bool ack) => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + new XElement(Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName),
            new XElement(Soap + "Body",
                new XElement(Outbound + "notificationsResponse", new XElement(Outbound + "Ack", ack ? "true" : "false")))).ToString(SaveOptions.DisableFormatting);

    /// <summary>The message, or the name of the part that is missing or malformed.</summary>
    public static (OutboundMessage? Message, string? Field, string? Error) Parse(byte[] body)
    {
        XDocument document;
        try
        {
            // No DTDs and no external resolution: the body comes from the network.
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            return (null, "body", $"Malformed XML: {ex.Message}");
        }
        var notifications = document.Root?.Element(Soap + "Body")?.Element(Outbound + "notifications");
        if (notifications is null)
        {
            return (null, "notifications", "Expected a SOAP envelope whose body is an outbound-message notifications element");
        }
        var organizationId = notifications.Element(Outbound + "OrganizationId")?.Value.Trim();
        if (string.IsNullOrEmpty(organizationId))
        {
            return (null, "OrganizationId", "OrganizationId is required");
        }
        var items = new List<OutboundNotification>();
        foreach (var notification in notifications.Elements(Outbound + "Notification"))
        {
            var id = notification.Element(Outbound + "Id")?.Value.Trim();
            var sObject = notification.Element(Outbound + "sObject");
            if (string.IsNullOrEmpty(id) || sObject is null)
            {
                return (null, $"Notification[{items.Count}]", "Each Notification needs an Id and an sObject");
            }
            // xsi:type="sf:Lead" names the object type; the fields are its children, in the sObject namespace.
            var type = ((string?)sObject.Attribute(Xsi + "type"))?.Split(':')[^1] ?? "";
            var fields = sObject.Elements()
                .Where(f => (string?)f.Attribute(Xsi + "nil") != "true")
                .GroupBy(f => f.Name.LocalName)
                .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
            items.Add(new OutboundNotification(id, type, fields));
        }
        return (new OutboundMessage(organizationId, items), null, null);
    }
}

public sealed record OutboundNotification(string Id, string ObjectType, IReadOnlyDictionary<string, string> Fields)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public DateTimeOffset? Time(string name) =>
        Field(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
