using System.Text.Json.Nodes;

namespace LeadPlatform.SdkTests;

/// <summary>
/// What a change of a published JSON Schema breaks, for the contract-versioning policy (docs/connector-sdk.md): a
/// removed property, a changed type (or <c>$ref</c>), a property newly required, a removed enum value; anywhere in
/// the schema (nested objects, items, <c>$defs</c>). Adding optional properties, enum values or descriptions is not.
/// </summary>
public static class SchemaCompatibility
{
    public static IReadOnlyList<string> BreakingChanges(JsonNode published, JsonNode? current)
    {
        var breaks = new List<string>();
        Compare(published, current, "#", breaks);
        return breaks;
    }

    private static void Compare(JsonNode? published, JsonNode? current, string path, List<string> breaks)
    {
        if (published is not JsonObject was)
        {
            return;
        }
        if (current is not JsonObject now)
        {
            breaks.Add($"{path}: removed");
            return;
        }
        if (Types(was) is { } typesWere && !SetEquals(typesWere, Types(now)))
        {
            breaks.Add($"{path}: type changed from {Show(typesWere)} to {Show(Types(now))}");
        }
        if (was["$ref"]?.ToString() is { } refWas && refWas != now["$ref"]?.ToString())
        {
            breaks.Add($"{path}: type changed from $ref {refWas} to {now["$ref"]?.ToString() ?? "no $ref"}");
        }
        foreach (var value in Strings(was["enum"]).Except(Strings(now["enum"])))
        {
            breaks.Add($"{path}: enum value {value} removed");
        }
        foreach (var name in Strings(now["required"]).Except(Strings(was["required"])))
        {
            breaks.Add($"{path}: property '{name}' newly required");
        }
        foreach (var keyword in new[] { "properties", "$defs", "definitions" })
        {
            if (was[keyword] is JsonObject children)
            {
                foreach (var (name, child) in children)
                {
                    if (now[keyword]?[name] is not { } currentChild)
                    {
                        breaks.Add(keyword == "properties" ? $"{path}: property '{name}' removed" : $"{path}/{keyword}/{name}: removed");
                        continue;
                    }
                    Compare(child, currentChild, $"{path}/{keyword}/{name}", breaks);
                }
            }
        }
        foreach (var keyword in new[] { "items", "additionalProperties" })
        {
            if (was[keyword] is JsonObject)
            {
                Compare(was[keyword], now[keyword], $"{path}/{keyword}", breaks);
            }
        }
    }

    private static string[]? Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray many => Strings(many).Order(StringComparer.Ordinal).ToArray(),
        JsonValue one => [one.ToString()],
        _ => null,
    };

    private static bool SetEquals(string[] a, string[]? b) => b is not null && a.ToHashSet().SetEquals(b);

    private static string Show(string[]? types) => types is null ? "(any)" : string.Join("|", types);

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString() ?? "null") : [];
}
