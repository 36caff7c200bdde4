using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace LeadPlatform.Sandbox;

/// <summary>
/// Plays Salesforce Outbound Messaging: <c>POST /sandbox/salesforce/outbound-messages</c> with
/// <c>{ url, organizationId, notifications: [ { id?, sObject: "Lead", recordId?, fields: { "Status": "…" } } ] }</c>
/// posts the SOAP <c>notifications</c> envelope Salesforce sends (the fields of a record this sandbox holds are
/// filled in from it) and checks the answer the way Salesforce does: only a <c>notificationsResponse</c> with
/// <c>Ack</c> true counts; anything else would be resent. Sending the same notification id again plays a resend.
/// </summary>
public static class SalesforceOutboundSender
{
    public const string DefaultOrganizationId = "00DSANDBOX00000AAA";
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace Outbound = "http://soap.sforce.com/2005/09/outbound";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private static readonly XNamespace Sf = "urn:sobject.enterprise.soap.sforce.com";

    public sealed record OutboundRequest(string Url, string? OrganizationId, List<NotificationRequest> Notifications);

    public sealed record NotificationRequest(string? Id, string SObject, string? RecordId, JsonObject? Fields);

    public static void MapSalesforceOutboundSender(this WebApplication app) =>
        app.MapPost("/sandbox/salesforce/outbound-messages", SendAsync);

    private static async Task<IResult> SendAsync(OutboundRequest request, SandboxStore store, IHttpClientFactory http, CancellationToken ct)
    {
        var ids = request.Notifications.Select(n => n.Id ?? $"04l{Guid.NewGuid():N}"[..18]).ToList();
        var notifications = request.Notifications.Select((n, i) => new XElement(Outbound + "Notification",
            new XElement(Outbound + "Id", ids[i]),
            new XElement(Outbound + "sObject", new XAttribute(Xsi + "type", $"sf:{n.SObject}"), new XAttribute(XNamespace.Xmlns + "sf", Sf.NamespaceName),
                Fields(n, store).Select(f => new XElement(Sf + f.Key, f.Value)))));
        var envelope = new XElement(Soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName), new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
            new XElement(Soap + "Body", new XElement(Outbound + "notifications",
                new XElement(Outbound + "OrganizationId", request.OrganizationId ?? DefaultOrganizationId),
                new XElement(Outbound + "ActionId", "04kSANDBOX0000001"),
                new XElement(Outbound + "SessionId", new XAttribute(Xsi + "nil", "true")),
                new XElement(Outbound + "EnterpriseUrl", "http://sandbox/services/Soap/c/60.0/00DSANDBOX"),
                new XElement(Outbound + "PartnerUrl", "http://sandbox/services/Soap/u/60.0/00DSANDBOX"),
                notifications)));
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + envelope.ToString(SaveOptions.DisableFormatting);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
        message.Headers.Add("SOAPAction", "\"\"");
        using var response = await http.CreateClient(nameof(DispositionFeed)).SendAsync(message, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        return Results.Ok(new { statusCode = (int)response.StatusCode, acked = response.IsSuccessStatusCode && Acked(answer), response = answer, notificationIds = ids });
    }

    /// <summary>Id and the record's fields as the sandbox holds them, overridden by the ones given.</summary>
    private static Dictionary<string, string> Fields(NotificationRequest n, SandboxStore store)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (n.RecordId is not null)
        {
            fields["Id"] = n.RecordId;
            if (store.Find(SalesforceApi.Crm, n.RecordId) is { } record)
            {
                foreach (var (name, value) in record.Fields)
                {
                    if (!name.StartsWith('_') && value is JsonValue v)
                    {
                        fields[name] = v.TryGetValue<string>(out var text) ? text : v.ToJsonString();
                    }
                }
                // An org sends an Opportunity's contact email through a formula field (outbound messages carry no related fields).
                if (record.Kind == "opportunity" && record.Fields["ContactId"] is JsonValue contactId
                    && store.Find(SalesforceApi.Crm, contactId.ToString()) is { } contact && contact.Fields["Email"] is JsonValue email)
                {
                    fields["Contact_Email__c"] = email.ToString();
                }
                fields["LastModifiedDate"] = record.UpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        foreach (var (name, value) in n.Fields ?? [])
        {
            fields[name] = value?.ToString() ?? "";
        }
        return fields;
    }

    private static bool Acked(string answer)
    {
        try
        {
            return XDocument.Parse(answer).Descendants(Outbound + "notificationsResponse").Elements(Outbound + "Ack").SingleOrDefault()?.Value == "true";
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }
}
