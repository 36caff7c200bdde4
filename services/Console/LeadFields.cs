using System.Text.Json;

namespace LeadPlatform.OperatorConsole;

/// <summary>A lead's JSON as path/value rows (<c>prospect.email</c>, <c>programs[0]</c>), for a plain table.</summary>
public static class LeadFields
{
    public static IEnumerable<(string Path, string Value)> Flatten(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var row in Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}"))
                    {
                        yield return row;
                    }
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var row in Flatten(item, $"{path}[{index++}]"))
                    {
                        yield return row;
                    }
                }
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            case JsonValueKind.String:
                yield return (path, element.GetString() ?? "");
                break;
            default:
                yield return (path, element.GetRawText());
                break;
        }
    }
}
