using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeadPlatform.Ingestion.Api;

/// <summary>
/// Says what is wrong with a JSON body in JSON terms: System.Text.Json names the .NET type it could not convert to
/// (<c>System.Int32</c>, <c>System.Collections.Generic.List`1[...]</c>), which means nothing to a source.
/// </summary>
public static partial class JsonErrors
{
    /// <summary>The field (JSON path without <c>$.</c>; <c>body</c> for the whole) and what is wrong with it.</summary>
    public static (string Field, string Message) Describe(JsonException ex)
    {
        var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
        if (ConvertedTo().Match(ex.Message) is { Success: true } match)
        {
            return (field, Expected(match.Groups[1].Value));
        }
        // A syntax error: keep the parser's words (they name no .NET type) without its position suffix.
        var words = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd(' ', '|', '.');
        return (field, $"Malformed JSON: {words}");
    }

    private static string Expected(string type)
    {
        var inner = NullableOf().Match(type) is { Success: true } nullable ? nullable.Groups[1].Value : type;
        return inner switch
        {
            "System.Int16" or "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt32" or "System.UInt64" or "System.Byte"
                => "must be a whole number",
            "System.Decimal" or "System.Double" or "System.Single" => "must be a number",
            "System.String" => "must be a string",
            "System.Boolean" => "must be true or false",
            "System.DateTimeOffset" or "System.DateTime" => "must be an ISO 8601 date and time, e.g. 2026-11-20T14:03:00Z",
            "System.DateOnly" => "must be an ISO 8601 date, e.g. 2026-11-20",
            "System.Guid" => "must be a UUID",
            _ when inner.Contains("Dictionary", StringComparison.Ordinal) => "must be an object",
            _ when inner.Contains("List`", StringComparison.Ordinal) || inner.Contains("Enumerable`", StringComparison.Ordinal)
                || inner.Contains("Collection`", StringComparison.Ordinal) || inner.EndsWith("[]", StringComparison.Ordinal) => "must be an array",
            _ => "must be an object",
        };
    }

    [GeneratedRegex(@"could not be converted to (.+?)\. Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();
}
