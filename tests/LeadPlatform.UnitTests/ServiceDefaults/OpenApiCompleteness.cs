using System.Text.Json;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// What an integrator needs from each operation of an OpenAPI document to generate a client and handle its answers;
/// <see cref="Gaps"/> names each operation that lacks some of it, and what to add.
/// </summary>
public static class OpenApiCompleteness
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private const string Problem = "application/problem+json";

    /// <summary>POST operations that act on what the path names and take no body (replay, drain...).</summary>
    private static bool IsBodylessAction(string path) =>
        path.Split('/').Last() is "replay" or "drain" or "retry" or "purge" || path.Contains("/replay", StringComparison.Ordinal);

    public static List<string> Gaps(JsonElement document)
    {
        var gaps = new List<string>();
        if (!document.TryGetProperty("paths", out var paths))
        {
            return gaps;
        }
        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                gaps.AddRange(Gaps(path.Name, operation.Name, operation.Value).Select(g => $"{name}: {g}"));
            }
        }
        return gaps;
    }

    private static IEnumerable<string> Gaps(string path, string method, JsonElement operation)
    {
        var responses = operation.TryGetProperty("responses", out var r)
            ? r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
            : [];

        var keyed = false;
        if (!operation.TryGetProperty("security", out var security) || security.GetArrayLength() == 0)
        {
            yield return "no security: add its route prefix to OpenApiSecurity.Rules (an empty list of schemes says it is public)";
        }
        else
        {
            keyed = security.EnumerateArray().Any(requirement => requirement.EnumerateObject().Any());
        }

        var successes = responses.Where(p => p.Key.StartsWith('2')).ToList();
        if (successes.Count == 0)
        {
            yield return "no success response: add .Produces<TRecord>(200) (or .Produces(204) when it answers no body)";
        }
        foreach (var (status, response) in successes.Where(s => s.Key != "204"))
        {
            if (!HasSchema(response))
            {
                yield return $"success {status} has no body schema: add .Produces<TRecord>({status}) with a named record type";
            }
        }

        var problems = responses.Where(p => p.Key.StartsWith('4')).ToList();
        if (problems.Count == 0)
        {
            yield return "no problem response: add .ProducesProblems(...) with the 4xx statuses it answers";
        }
        foreach (var (status, response) in problems.Where(p => !IsProblem(p.Value)))
        {
            yield return $"{status} is not documented as {Problem}: use .ProducesProblems({status})";
        }

        var required = new List<string>();
        if (keyed)
        {
            required.AddRange(["401", "403"]);
        }
        var hasBody = operation.TryGetProperty("requestBody", out var body);
        var hasQuery = operation.TryGetProperty("parameters", out var parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query");
        if (hasBody || hasQuery)
        {
            required.Add("400");
        }
        if (path.Contains('{') && method is "get" or "delete" or "patch")
        {
            required.Add("404");
        }
        if (operation.TryGetProperty("parameters", out parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"))
        {
            required.Add("409");
        }
        var missing = required.Where(s => !responses.ContainsKey(s)).ToList();
        if (missing.Count > 0)
        {
            yield return $"problem responses {string.Join(", ", missing)} not documented: add .ProducesProblems({string.Join(", ", missing)})";
        }

        foreach (var query in operation.TryGetProperty("parameters", out parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query") : [])
        {
            var name = query.GetProperty("name").GetString();
            if (!query.TryGetProperty("description", out var description) || string.IsNullOrWhiteSpace(description.GetString()))
            {
                yield return $"query parameter {name} has no description: add [Description] to its handler parameter or [AsParameters] property";
            }
            if (!query.TryGetProperty("schema", out var schema) || !(schema.TryGetProperty("type", out _) || schema.TryGetProperty("$ref", out _)))
            {
                yield return $"query parameter {name} has no type: add [QueryValue(type, format)]";
            }
        }

        var needsBody = method is "put" or "patch" || (method == "post" && !IsBodylessAction(path));
        if (needsBody && !(hasBody && HasSchema(body)))
        {
            yield return "no request body schema: add .DocumentsBody(typeof(TRecord), \"application/json\")";
        }
    }

    private static bool HasSchema(JsonElement responseOrBody) =>
        responseOrBody.TryGetProperty("content", out var content)
        && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out var schema)
            && schema.ValueKind == JsonValueKind.Object && schema.EnumerateObject().Any());

    private static bool IsProblem(JsonElement response) =>
        response.TryGetProperty("content", out var content) && content.TryGetProperty(Problem, out _);
}
