using System.Text.Json.Nodes;

namespace LeadPlatform.SdkTests;

/// <summary>
/// What a change of a published JSON Schema breaks, for the contract-versioning policy (docs/connector-sdk.md): a
/// removed property, a changed type (or <c>$ref</c>), a property newly required, a removed enum value; anywhere in
/// the schema (nested objects, items, <c>$defs</c>). Adding optional properties, enum values or descriptions is not.
/// Local <c>$ref</c>s and "X or null" <c>anyOf</c>/<c>oneOf</c> are resolved first, so moving a shape into
/// <c>$defs</c> unchanged is not a break.
/// </summary>
public static class SchemaCompatibility
{
    public static IReadOnlyList<string> BreakingChanges(JsonNode published, JsonNode? current)
    {
        var breaks = new List<string>();
        Compare(published, current, "#", breaks, published, current);
        return breaks;
    }

    private static void Compare(JsonNode? published, JsonNode? current, string path, List<string> breaks, JsonNode? publishedRoot, JsonNode? currentRoot)
    {
        if (Resolve(published, publishedRoot) is not JsonObject was)
        {
            return;
        }
        if (Resolve(current, currentRoot) is not JsonObject now)
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
                    Compare(child, currentChild, $"{path}/{keyword}/{name}", breaks, publishedRoot, currentRoot);
                }
            }
        }
        foreach (var keyword in new[] { "items", "additionalProperties" })
        {
            if (was[keyword] is JsonObject)
            {
                Compare(was[keyword], now[keyword], $"{path}/{keyword}", breaks, publishedRoot, currentRoot);
            }
        }
    }

    /// <summary>The schema with a local <c>$ref</c> replaced by its target, and "X or null" by X that also allows null.</summary>
    private static JsonNode? Resolve(JsonNode? node, JsonNode? root, int depth = 0)
    {
        if (node is not JsonObject schema || depth > 8)
        {
            return node;
        }
        if (schema["$ref"]?.ToString() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal)
            && reference[2..].Split('/').Aggregate(root, (at, part) => at?[part]) is JsonObject target)
        {
            return Resolve(target.DeepClone(), root, depth + 1);
        }
        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema[keyword] is JsonArray choices && choices.Count == 2
                && choices.Count(c => IsNullOnly(c)) == 1 && Resolve(choices.First(c => !IsNullOnly(c)), root, depth + 1) is JsonObject shape)
            {
                var nullable = (JsonObject)shape.DeepClone();
                if (Types(nullable) is { } types && !types.Contains("null"))
                {
                    nullable["type"] = new JsonArray([.. types.Append("null").Select(t => (JsonNode)JsonValue.Create(t)!)]);
                }
                return nullable;
            }
        }
        return schema;
    }

    private static bool IsNullOnly(JsonNode? node) => node is JsonObject o && Types(o) is ["null"];

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
