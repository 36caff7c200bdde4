using Microsoft.AspNetCore.Http;

namespace LeadPlatform.ServiceDefaults;

/// <summary>RFC 7807 answers that name the offending fields.</summary>
public static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors, string? title = null) =>
        Results.ValidationProblem(errors, title: title ?? "The request is not valid.");

    public static IResult Field(string field, string message, int status = StatusCodes.Status400BadRequest) =>
        status == StatusCodes.Status400BadRequest
            ? Validation(new Dictionary<string, string[]> { [field] = [message] })
            : Results.Problem(title: message, statusCode: status, extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult Status(int status, string title, string? detail = null) =>
        Results.Problem(title: title, detail: detail, statusCode: status);
}
