using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Integrations.DealerProviders;

/// <summary>Reads a provider feed's dot-separated paths (<c>data.items</c>, <c>lead.id</c>) out of a JSON answer.</summary>
public static class JsonPaths
{
    public static JsonElement? Find(JsonElement root, string? path)
    {
        if (path is null)
        {
            return null;
        }
        var current = root;
        foreach (var name in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>A string or number at the path, as text; null when absent or empty.</summary>
    public static string? Text(JsonElement root, string? path) => Find(root, path) switch
    {
        { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text => text.Trim(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    /// <summary>An ISO 8601 time, or Unix milliseconds, at the path.</summary>
    public static DateTimeOffset? Time(JsonElement root, string? path) => Find(root, path) switch
    {
        { ValueKind: JsonValueKind.String } s when DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis),
        _ => null,
    };
}
