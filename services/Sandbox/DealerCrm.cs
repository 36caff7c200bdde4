using System.Globalization;
using System.Text.Json.Nodes;

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
