using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// A query or route value the framework could not bind (<c>?limit=abc</c>, a malformed id): a 400 problem+json naming the
/// parameter and what it must be, in JSON terms, instead of a bare 400. The value itself is not echoed (it may be personal).
/// Needs <c>RouteHandlerOptions.ThrowOnBadRequest</c>, set by <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>.
/// </summary>
public sealed partial class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad || http.Response.HasStarted)
        {
            return false;
        }
        http.Response.StatusCode = bad.StatusCode;
        var problem = new ProblemDetails { Status = bad.StatusCode, Title = "The request is not valid." };
        if (BindFailure().Match(bad.Message) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [name] = [$"must be {Expected(match.Groups["type"].Value)}"] };
        }
        else if (bad.Message.Contains("request body", StringComparison.OrdinalIgnoreCase))
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = ["must be a JSON object of the documented shape"] };
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    private static string Expected(string type) => Unwrap(type).ToLowerInvariant() switch
    {
        "int" or "int32" or "long" or "int64" or "short" or "int16" => "a whole number",
        "decimal" or "double" or "float" or "single" => "a number",
        "bool" or "boolean" => "true or false",
        "guid" => "a UUID",
        "datetimeoffset" or "datetime" => "a date-time (ISO 8601)",
        "dateonly" => "a date (yyyy-mm-dd)",
        _ => "a valid value",
    };

    // "int?", "Nullable<Int32>", "System.Int32" -> "int" / "Int32"
    private static string Unwrap(string type)
    {
        var name = type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..].TrimEnd('>') : type;
        return name.TrimEnd('?').Split('.')[^1];
    }

    // ASP.NET's message: Failed to bind parameter "int? limit" from "abc". (also: Required parameter "Guid id" was not provided)
    [GeneratedRegex("""parameter "(?<type>[^" ]+) (?<name>[^" ]+)" """)]
    private static partial Regex BindFailure();
}
