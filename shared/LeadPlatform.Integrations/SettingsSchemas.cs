using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Integrations;

/// <summary>
/// Each CRM's settings as a JSON Schema (<c>SettingsSchemas/&lt;crm&gt;.schema.json</c>, embedded), and the check an
/// integration's settings pass when it is saved: unknown fields and wrong types are refused, each error keyed by the
/// field's path (<c>settings.relationshipTypes</c>).
/// <para>
/// The check is by hand over the subset of JSON Schema these files use (<c>type</c>, <c>properties</c>,
/// <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>minimum</c>, <c>maximum</c>) rather than JsonSchema.Net: no new
/// dependency for ~100 lines, errors keyed exactly as our problem+json names fields, names and enum values matched
/// without regard to case as the connectors read them. A schema using more than that subset fails its unit test.
/// </para>
/// </summary>
public static class SettingsSchemas
{
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>
    {
        "$schema", "$id", "title", "description", "type", "properties", "additionalProperties", "items", "enum", "minimum", "maximum",
    };

    private static readonly ConcurrentDictionary<string, JsonObject?> Loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The schema of <paramref name="crm"/>'s settings, or null for a CRM without one.</summary>
    public static JsonObject? For(string crm) => Loaded.GetOrAdd(crm, Load)?.DeepClone().AsObject();

    private static JsonObject? Load(string crm)
    {
        using var stream = typeof(SettingsSchemas).Assembly.GetManifestResourceStream($"LeadPlatform.Integrations.SettingsSchemas.{crm.ToLowerInvariant()}.schema.json");
        return stream is null ? null : JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>Errors of <paramref name="settings"/> against the CRM's schema, keyed <c>settings.&lt;path&gt;</c>; none for an unknown CRM.</summary>
    public static Dictionary<string, string[]> Validate(string crm, JsonElement settings)
    {
        var errors = new Dictionary<string, string[]>();
        if (Loaded.GetOrAdd(crm, Load) is { } schema && settings.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            Check(schema, settings, "settings", errors);
        }
        return errors;
    }

    private static void Check(JsonObject schema, JsonElement value, string path, Dictionary<string, string[]> errors)
    {
        if (schema["type"] is { } type && !TypeMatches(type, value))
        {
            errors.TryAdd(path, [$"must be {Describe(type)}, not {Kind(value)}"]);
            return;
        }
        if (schema["enum"] is JsonArray options && !options.Any(o => EnumMatches(o, value)))
        {
            errors.TryAdd(path, [$"must be one of {string.Join(", ", options.Select(o => o?.ToJsonString() ?? "null"))}"]);
            return;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            if (schema["minimum"] is { } min && number < min.GetValue<double>())
            {
                errors.TryAdd(path, [$"must be at least {min}"]);
            }
            if (schema["maximum"] is { } max && number > max.GetValue<double>())
            {
                errors.TryAdd(path, [$"must be at most {max}"]);
            }
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var property in value.EnumerateObject())
            {
                var childPath = $"{path}.{property.Name}";
                var known = properties?.FirstOrDefault(p => string.Equals(p.Key, property.Name, StringComparison.OrdinalIgnoreCase)).Value;
                if (known is JsonObject childSchema)
                {
                    Check(childSchema, property.Value, childPath, errors);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    Check(additional, property.Value, childPath, errors);
                }
                else if (schema["additionalProperties"] is JsonValue closed && !closed.GetValue<bool>())
                {
                    errors.TryAdd(childPath, ["is not a known setting"]);
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema["items"] is JsonObject items)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, $"{path}[{index++}]", errors);
            }
        }
    }

    private static bool TypeMatches(JsonNode type, JsonElement value) =>
        type is JsonArray any ? any.Any(t => TypeMatches(t!, value)) : type.GetValue<string>() switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ => false,
        };

    private static bool EnumMatches(JsonNode? option, JsonElement value) =>
        option is null ? value.ValueKind == JsonValueKind.Null
        : value.ValueKind == JsonValueKind.String && option.GetValueKind() == JsonValueKind.String
            ? string.Equals(option.GetValue<string>(), value.GetString(), StringComparison.OrdinalIgnoreCase)
            : JsonNode.DeepEquals(option, JsonNode.Parse(value.GetRawText()));

    private static string Describe(JsonNode type) =>
        type is JsonArray any ? string.Join(" or ", any.Select(t => Article(t!.GetValue<string>()))) : Article(type.GetValue<string>());

    private static string Article(string type) => type is "object" or "array" or "integer" ? $"an {type}" : type == "null" ? "null" : $"a {type}";

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
