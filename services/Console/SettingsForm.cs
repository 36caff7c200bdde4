using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.OperatorConsole;

/// <summary>
/// An integration's settings as form fields, built from its CRM's settings JSON Schema
/// (<c>GET /v1/crms/{crm}/settings-schema</c>), and the posted fields back into the settings object. The console only
/// shapes values; the API checks them against the schema and its errors are shown beside the fields.
/// </summary>
public static class SettingsForm
{
    public enum Kind { Text, Integer, Boolean, List, Json }

    public sealed record Field(string Name, Kind Kind, string? Description, string Value, bool AllowsString)
    {
        /// <summary>The API's error key for this field, and the form input's name.</summary>
        public string Path => $"settings.{Name}";
        public string InputName => $"s_{Name}";
    }

    public static IReadOnlyList<Field> Fields(JsonElement schema, JsonElement settings)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties))
        {
            return [];
        }
        return [.. properties.EnumerateObject().Select(p =>
        {
            var types = Types(p.Value);
            var kind = types.SetEquals(["integer"]) || types.SetEquals(["number"]) ? Kind.Integer
                : types.SetEquals(["boolean"]) ? Kind.Boolean
                : types.SetEquals(["array"]) && p.Value.TryGetProperty("items", out var items) && Types(items).SetEquals(["string"]) ? Kind.List
                : types.IsSubsetOf(["string", "null"]) ? Kind.Text
                : Kind.Json;
            var current = settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty(p.Name, out var v) ? v : default;
            return new Field(p.Name, kind, p.Value.TryGetProperty("description", out var d) ? d.GetString() : null, Show(kind, current), types.Contains("string"));
        })];
    }

    /// <summary>The settings object from the posted fields (empty fields left out), or the fields the console can't read as JSON.</summary>
    public static (JsonObject Settings, Dictionary<string, string[]> Errors) Read(IReadOnlyList<Field> fields, Func<string, string?> posted)
    {
        var settings = new JsonObject();
        var errors = new Dictionary<string, string[]>();
        foreach (var field in fields)
        {
            var text = posted(field.InputName)?.Trim() ?? "";
            switch (field.Kind)
            {
                case Kind.Boolean when text == "true":
                    settings[field.Name] = true;
                    break;
                case Kind.Boolean or Kind.Text when text.Length == 0:
                case Kind.Integer or Kind.List or Kind.Json when text.Length == 0:
                    break;
                case Kind.Text:
                    settings[field.Name] = text;
                    break;
                // Not a whole number: sent as it is, so the API's own message names the field.
                case Kind.Integer:
                    settings[field.Name] = long.TryParse(text, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);
                    break;
                case Kind.List:
                    settings[field.Name] = new JsonArray([.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => (JsonNode)JsonValue.Create(l))]);
                    break;
                case Kind.Json when field.AllowsString && !text.StartsWith('{') && !text.StartsWith('['):
                    settings[field.Name] = text;
                    break;
                case Kind.Json:
                    try
                    {
                        settings[field.Name] = JsonNode.Parse(text);
                    }
                    catch (JsonException)
                    {
                        errors[field.Path] = ["is not valid JSON"];
                    }
                    break;
            }
        }
        return (settings, errors);
    }

    private static HashSet<string> Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? ["object"]
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString() ?? "")]
        : [type.GetString() ?? ""];

    private static string Show(Kind kind, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "",
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "",
        JsonValueKind.Array when kind == Kind.List => string.Join("\n", value.EnumerateArray().Select(v => v.ToString())),
        JsonValueKind.Number => value.GetRawText(),
        _ => JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }),
    };
}
