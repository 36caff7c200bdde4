using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The dealer CRM stand-in's helpers. Its leads are records of CRM <c>dealer-{provider}</c> and its changes go onto the
/// sandbox's <see cref="DispositionFeed"/> under the same name; the feed's shape per provider comes from the provider
/// catalog the platform ships (<c>DealerProviders/Catalog/*.json</c>, embedded): the stand-in answers as that entry documents.
/// </summary>
public static class DealerCrm
{
    /// <summary>The sandbox "CRM" a provider's dealer leads and feed are kept under.</summary>
    public static string Crm(string provider) => $"dealer-{provider.ToLowerInvariant()}";

    /// <summary>What an ADF intake made of a document: the lead record (and whether it was known), or why it was refused.</summary>
    public sealed record Received(SandboxRecord? Record, bool Duplicate, string? Refusal);

    /// <summary>
    /// Takes an ADF lead, by HTTP or by email alike: parsed (no DTD), kept as a lead with status New, and a resend of
    /// a prospect id the CRM already holds answers the same record, as dealer CRMs dedupe resends.
    /// </summary>
    public static Received Receive(SandboxStore store, string provider, string xml, string receivedBy, string? messageId = null)
    {
        XElement? prospect;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            prospect = XDocument.Load(reader).Root?.Element("prospect");
        }
        catch (XmlException ex)
        {
            return new Received(null, false, $"Not well-formed XML: {ex.Message}");
        }
        if (prospect is null)
        {
            return new Received(null, false, "Not an ADF document: expected <adf><prospect>");
        }
        var fields = AdfApi.Parse(prospect);
        fields["status"] = "New";
        fields["receivedBy"] = receivedBy;
        fields["messageId"] = messageId;
        if (store.Matching(Crm(provider), "lead", "prospectId", fields["prospectId"]?.GetValue<string>()).FirstOrDefault() is { } existing)
        {
            return new Received(existing, true, null);
        }
        return new Received(store.Create(Crm(provider), "lead", "DLR-", fields), false, null);
    }

    /// <summary>Whether the platform's provider catalog (embedded) has this provider.</summary>
    public static bool IsKnown(string provider) =>
        typeof(DealerCrm).Assembly.GetManifestResourceInfo($"DealerProviders.{provider.ToLowerInvariant()}.json") is not null;

    /// <summary>A provider's feed description (<c>feed</c> of its catalog entry); null when it has none.</summary>
    public static JsonObject? FeedOf(string provider)
    {
        using var stream = typeof(DealerCrm).Assembly.GetManifestResourceStream($"DealerProviders.{provider.ToLowerInvariant()}.json");
        return stream is null ? null : JsonNode.Parse(stream)?["feed"] as JsonObject;
    }

    /// <summary>Sets <paramref name="value"/> at a dot-separated path, making the objects on the way.</summary>
    public static void Set(JsonObject root, string? path, JsonNode? value)
    {
        if (path is null || value is null)
        {
            return;
        }
        var names = path.Split('.');
        var current = root;
        foreach (var name in names[..^1])
        {
            if (current[name] is not JsonObject next)
            {
                next = new JsonObject();
                current[name] = next;
            }
            current = next;
        }
        current[names[^1]] = value;
    }

    public static string Cursor(long sequence) => sequence.ToString(CultureInfo.InvariantCulture);
}
