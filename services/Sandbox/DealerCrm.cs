using System.Globalization;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The dealer CRM stand-in's state: what each provider's dealer CRM received by ADF, and the changes its salespeople
/// made since, in order (the feed). The feed's shape per provider comes from the provider catalog the platform ships
/// (<c>DealerProviders/Catalog/*.json</c>, embedded): the stand-in answers as that entry documents.
/// </summary>
public sealed class DealerCrm
{
    private readonly List<(long Sequence, string Provider, JsonObject Change)> _changes = [];
    private long _sequence;

    public long Append(string provider, JsonObject change)
    {
        lock (_changes)
        {
            var sequence = ++_sequence;
            _changes.Add((sequence, provider, change));
            return sequence;
        }
    }

    public (IReadOnlyList<JsonObject> Changes, long Cursor) Since(string provider, long since, int limit)
    {
        lock (_changes)
        {
            var page = _changes.Where(c => c.Provider == provider && c.Sequence > since).Take(limit).ToList();
            return (page.Select(c => (JsonObject)c.Change.DeepClone()).ToList(), page.Count == 0 ? since : page[^1].Sequence);
        }
    }

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
