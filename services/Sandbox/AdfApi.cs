using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace LeadPlatform.Sandbox;

/// <summary>
/// A dealer CRM's ADF intake: <c>POST /adf/v1/leads</c> with an ADF XML body. Keeps the document as received
/// plus the fields it parsed out of it, for inspection. A prospect id it already holds (same
/// <c>id source=</c> and value) is answered with the existing lead, as dealer CRMs dedupe resends.
/// </summary>
public static class AdfApi
{
    public const string Crm = "adf";

    public static void MapAdfApi(this WebApplication app)
    {
        app.MapPost("/adf/v1/leads", (HttpContext http, SandboxStore store) =>
            CrmFaults.PlayAsync(http, Crm, () => ReceiveAsync(http, store)));
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, SandboxStore store)
    {
        if (http.Request.ContentType?.Split(';')[0].Trim() is not ("application/xml" or "text/xml" or "application/x-adf+xml"))
        {
            return Results.Json(new { message = "Content-Type must be application/xml" }, statusCode: 415);
        }
        using var body = new StreamReader(http.Request.Body);
        var xml = await body.ReadToEndAsync(http.RequestAborted);
        XDocument document;
        try
        {
            // No DTD processing on input: a DOCTYPE is refused rather than fetched or expanded.
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            return Results.Json(new { message = $"Not well-formed XML: {ex.Message}" }, statusCode: 400);
        }
        if (document.Root?.Name.LocalName != "adf" || document.Root.Element("prospect") is not { } prospect)
        {
            return Results.Json(new { message = "Not an ADF document: expected <adf><prospect>" }, statusCode: 400);
        }

        var fields = Parse(prospect);
        fields["xml"] = xml;
        var key = $"{fields["prospectIdSource"]}/{fields["prospectId"]}";
        if (store.Matching(Crm, "lead", "prospectId", fields["prospectId"]?.GetValue<string>()).FirstOrDefault(r => Key(r.Fields) == key) is { } existing)
        {
            return Results.Ok(new { id = existing.Id, duplicate = true });
        }
        var record = store.Create(Crm, "lead", "ADF-", fields);
        return Results.Json(new { id = record.Id }, statusCode: 201);
    }

    internal static JsonObject Parse(XElement prospect)
    {
        var firstId = prospect.Elements("id").FirstOrDefault();
        var vehicle = prospect.Element("vehicle");
        var contact = prospect.Element("customer")?.Element("contact");
        var phone = contact?.Element("phone");
        return new JsonObject
        {
            ["prospectId"] = firstId?.Value,
            ["prospectIdSource"] = firstId?.Attribute("source")?.Value,
            ["requestDate"] = prospect.Element("requestdate")?.Value,
            ["vehicleInterest"] = vehicle?.Attribute("interest")?.Value,
            ["vehicleStatus"] = vehicle?.Attribute("status")?.Value,
            ["year"] = vehicle?.Element("year")?.Value,
            ["make"] = vehicle?.Element("make")?.Value,
            ["model"] = vehicle?.Element("model")?.Value,
            ["vin"] = vehicle?.Element("vin")?.Value,
            ["firstName"] = contact?.Elements("name").FirstOrDefault(n => (string?)n.Attribute("part") == "first")?.Value,
            ["lastName"] = contact?.Elements("name").FirstOrDefault(n => (string?)n.Attribute("part") == "last")?.Value,
            ["email"] = contact?.Element("email")?.Value,
            ["phone"] = phone?.Value,
            ["phoneType"] = phone?.Attribute("type")?.Value,
            ["comments"] = prospect.Element("customer")?.Element("comments")?.Value,
            ["vendorName"] = prospect.Element("vendor")?.Element("vendorname")?.Value,
            ["providerName"] = prospect.Element("provider")?.Element("name")?.Value,
        };
    }

    private static string Key(JsonObject fields) => $"{fields["prospectIdSource"]}/{fields["prospectId"]}";
}
