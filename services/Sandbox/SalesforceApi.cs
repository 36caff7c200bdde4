using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The Salesforce stand-in, in Salesforce's published shapes: the OAuth token endpoint
/// (<c>/services/oauth2/token</c>, client-credentials and refresh-token grants), and under
/// <c>/services/data/vNN.N/</c> the SOQL query resource (the lookup-by-email queries the connector runs),
/// <c>sobjects/Lead|Contact</c> create (<c>{id, success, errors}</c>) and PATCH update (204). Errors are
/// Salesforce's array <c>[{"message","errorCode","fields"}]</c>. Faults of its own: <c>request-limit</c>
/// (403 REQUEST_LIMIT_EXCEEDED) and <c>session-expired</c> (revokes the caller's token, 401 INVALID_SESSION_ID).
/// </summary>
public static partial class SalesforceApi
{
    public const string Crm = "salesforce";
    /// <summary>Owner of records created without an OwnerId: the integration's API user.</summary>
    public const string ApiUserId = "005SANDBOXAPIUSER";

    public static void MapSalesforceApi(this WebApplication app)
    {
        var sessions = new ConcurrentDictionary<string, bool>();
        app.MapPost("/services/oauth2/token", (HttpContext http, SandboxStore store, IConfiguration config) => TokenAsync(http, store, config, sessions));

        var data = app.MapGroup("/services/data/{version}").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!VersionPattern().IsMatch(http.GetRouteValue("version") as string ?? ""))
            {
                return Errors(404, "NOT_FOUND", "The requested resource does not exist");
            }
            var token = http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : "";
            return sessions.ContainsKey(token) ? await next(context) : Errors(401, "INVALID_SESSION_ID", "Session expired or invalid");
        });
        data.MapGet("/query/{locator}", (string locator, SandboxStore store, HttpContext http) =>
            PlayAsync(http, sessions, () => MoreRecords(locator, http)));
        data.MapGet("/query", (string? q, SandboxStore store, HttpContext http) =>
            PlayAsync(http, sessions, () => Query(q ?? "", store, http)));
        data.MapPost("/sobjects/{sobject}", (string sobject, JsonObject body, SandboxStore store, HttpContext http) =>
            PlayAsync(http, sessions, () => Create(sobject, body, store, http)));
        data.MapPatch("/sobjects/{sobject}/{id}", (string sobject, string id, JsonObject body, SandboxStore store, HttpContext http) =>
            PlayAsync(http, sessions, () => Update(sobject, id, body, store)));
        data.MapGet("/sobjects/{sobject}/{id}", (string sobject, string id, SandboxStore store, HttpContext http) =>
            PlayAsync(http, sessions, () => Find(store, sobject, id) is { } record ? Results.Ok(View(record, http, null)) : NotFound()));
    }

    private static async Task<IResult> TokenAsync(HttpContext http, SandboxStore store, IConfiguration config, ConcurrentDictionary<string, bool> sessions)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
        var clientId = config["Sandbox:Salesforce:ClientId"] ?? "sandbox-sf-client";
        var clientSecret = config["Sandbox:Salesforce:ClientSecret"] ?? "sandbox-sf-secret";
        var refreshToken = config["Sandbox:Salesforce:RefreshToken"] ?? "sandbox-sf-refresh-token";
        string grant = form?["grant_type"].ToString() ?? "";
        if (form is null || form["client_id"] != clientId || form["client_secret"] != clientSecret)
        {
            return Results.Json(new { error = "invalid_client", error_description = "invalid client credentials" }, statusCode: 400);
        }
        if (grant is not ("client_credentials" or "refresh_token") || (grant == "refresh_token" && form["refresh_token"] != refreshToken))
        {
            return Results.Json(new { error = "invalid_grant", error_description = "authentication failure" }, statusCode: 400);
        }
        var token = $"00DSANDBOX!{Guid.NewGuid():N}";
        sessions[token] = true;
        store.Create(Crm, "oauth-grant", "GRANT", new JsonObject { ["grantType"] = grant });
        var issuedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return Results.Ok(new
        {
            access_token = token,
            instance_url = $"{http.Request.Scheme}://{http.Request.Host}",
            id = $"{http.Request.Scheme}://{http.Request.Host}/id/00DSANDBOX/{ApiUserId}",
            token_type = "Bearer",
            issued_at = issuedAt,
            signature = Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
        });
    }

    /// <summary>The queries the connector sends: <c>SELECT … FROM Lead|Contact WHERE Email = '…' [AND IsConverted = false] [ORDER BY CreatedDate] [LIMIT n]</c>.</summary>
    private static IResult Query(string soql, SandboxStore store, HttpContext http)
    {
        var match = QueryPattern().Match(soql);
        if (!match.Success)
        {
            return ChangesQuery(soql, store, http) ?? Errors(400, "MALFORMED_QUERY", $"unexpected token in query: {soql}");
        }
        var kind = match.Groups["type"].Value.ToLowerInvariant();
        string email;
        try
        {
            email = Regex.Unescape(match.Groups["email"].Value.Replace("\\'", "'", StringComparison.Ordinal));
        }
        catch (ArgumentException)
        {
            return Errors(400, "MALFORMED_QUERY", $"invalid escape sequence in query: {soql}");
        }
        var onlyUnconverted = match.Groups["unconverted"].Success;
        var limit = match.Groups["limit"].Success ? int.Parse(match.Groups["limit"].Value, CultureInfo.InvariantCulture) : int.MaxValue;
        var fields = match.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var records = store.Matching(Crm, kind, "Email", email)
            .Where(r => !onlyUnconverted || r.Fields["IsConverted"]?.GetValue<bool>() != true)
            .Take(limit)
            .Select(r => View(r, http, fields))
            .ToList();
        return Results.Ok(new { totalSize = records.Count, done = true, records });
    }

    private static IResult Create(string sobject, JsonObject body, SandboxStore store, HttpContext http)
    {
        if (Kind(sobject) is not { } kind)
        {
            return Errors(404, "NOT_FOUND", "The requested resource does not exist");
        }
        string[] required = kind switch
        {
            "lead" => ["LastName", "Company"], "contact" => ["LastName"], "opportunity" => ["Name", "StageName", "CloseDate"], _ => [],
        };
        var missing = required.Where(f => string.IsNullOrWhiteSpace(Text(body, f))).ToArray();
        if (missing.Length > 0)
        {
            return Errors(400, "REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing);
        }
        if (Text(body, "OwnerId") is { } owner && !owner.StartsWith("005", StringComparison.Ordinal))
        {
            return Errors(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["OwnerId"]);
        }
        body["OwnerId"] ??= ApiUserId;
        if (kind == "lead")
        {
            body["IsConverted"] = false;
        }
        // Kept for inspection: whether the caller switched Salesforce's assignment rules off.
        body["_sforceAutoAssign"] = http.Request.Headers["Sforce-Auto-Assign"].ToString();
        var record = store.Create(Crm, kind, IdPrefix(kind), body);
        return Results.Json(new { id = record.Id, success = true, errors = Array.Empty<object>() }, statusCode: 201);
    }

    private static IResult Update(string sobject, string id, JsonObject body, SandboxStore store)
    {
        if (Find(store, sobject, id) is not { } record)
        {
            return NotFound();
        }
        body.Remove("Id");
        store.Update(record, body);
        return Results.NoContent();
    }

    /// <summary>Plays the active Salesforce fault the way Salesforce fails.</summary>
    private static async Task<IResult> PlayAsync(HttpContext http, ConcurrentDictionary<string, bool> sessions, Func<IResult> handle)
    {
        var fault = http.RequestServices.GetRequiredService<FaultInjector>().Next(Crm);
        switch (fault?.Mode)
        {
            case "request-limit":
                http.RequestServices.GetRequiredService<SandboxStore>().Create(Crm, "rate-limited", "RL", new JsonObject { ["path"] = http.Request.Path.Value });
                return Errors(403, "REQUEST_LIMIT_EXCEEDED", fault.Message ?? "TotalRequests Limit exceeded.");
            case "session-expired":
                sessions.TryRemove(http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal), out _);
                return Errors(401, "INVALID_SESSION_ID", "Session expired or invalid");
            case "400":
                return Errors(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", fault.Message ?? "Rejected by a validation rule");
            case "429":
                http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return Errors(429, "REQUEST_LIMIT_EXCEEDED", fault.Message ?? "ConcurrentPerOrgLongTxn Limit exceeded.");
            case "500":
                return Errors(500, "UNKNOWN_EXCEPTION", fault.Message ?? "An unexpected error occurred.");
            case "down":
                return Errors(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable");
            default:
                return await CrmFaults.TimedAsync(fault, http, () => Task.FromResult(handle()));
        }
    }

    private static SandboxRecord? Find(SandboxStore store, string sobject, string id) =>
        Kind(sobject) is { } kind && store.Find(Crm, id) is { } record && record.Kind == kind ? record : null;

    private static string? Kind(string sobject) => sobject.ToLowerInvariant() switch
    {
        "lead" => "lead",
        "contact" => "contact",
        "task" => "task",
        "event" => "event",
        "opportunity" => "opportunity",
        _ => null,
    };

    private static string IdPrefix(string kind) => kind switch { "lead" => "00Q", "contact" => "003", "task" => "00T", "opportunity" => "006", _ => "00U" };

    private static string TypeName(string kind) => kind switch
    {
        "lead" => "Lead", "contact" => "Contact", "task" => "Task", "opportunity" => "Opportunity", _ => "Event",
    };

    private static JsonObject View(SandboxRecord record, HttpContext http, string[]? fields)
    {
        var type = TypeName(record.Kind);
        var version = http.GetRouteValue("version");
        var view = new JsonObject { ["attributes"] = new JsonObject { ["type"] = type, ["url"] = $"/services/data/{version}/sobjects/{type}/{record.Id}" } };
        view["Id"] = record.Id;
        foreach (var (name, value) in record.Fields)
        {
            if (!name.StartsWith('_') && (fields is null || fields.Contains(name, StringComparer.OrdinalIgnoreCase)))
            {
                view[name] = value?.DeepClone();
            }
        }
        return view;
    }

    private static IResult Errors(int status, string code, string message, string[]? fields = null) =>
        Results.Json(new[] { new { message, errorCode = code, fields = fields ?? [] } }, statusCode: status);

    private static IResult NotFound() => Errors(404, "NOT_FOUND", "The requested resource does not exist");

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    [GeneratedRegex(@"^v\d+\.\d$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\s*SELECT\s+(?<fields>[\w\s,]+?)\s+FROM\s+(?<type>Lead|Contact)\s+WHERE\s+Email\s*=\s*'(?<email>(?:[^'\\]|\\.)*)'(?<unconverted>\s+AND\s+IsConverted\s*=\s*false)?(?:\s+ORDER\s+BY\s+CreatedDate(?:\s+ASC)?)?(?:\s+LIMIT\s+(?<limit>\d+))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex QueryPattern();
}
