using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The ALIS (Medtelligent) stand-in, shaped after ALIS's public API traces: a bearer token from
/// <c>POST /alis/v1/user/tokens</c> (tenant-qualified username + password), then the integration prospects API:
/// prospects of a community, each with its contacts (the main contact acts for the prospect).
/// </summary>
public static class AlisApi
{
    public const string Crm = "alis";

    // Tokens this sandbox issued; any sandbox instance in the process accepts them (they are random).
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Tokens = new();

    public static void MapAlisApi(this WebApplication app)
    {
        app.MapPost("/alis/v1/user/tokens", (JsonObject body, IConfiguration config) => IssueToken(body, config));

        var api = app.MapGroup("/alis/v1/integration").AddEndpointFilter(RequireBearer);
        api.MapGet("/prospects", (string? email, string? phone, string? referenceId, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Results.Ok(Search(store, "prospect", email, phone, referenceId)))));
        api.MapGet("/prospects/{id}", (string id, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(
                store.Find(Crm, id) is { Kind: "prospect" } found ? Results.Ok(View(found)) : NotFound("Prospect", id))));
        api.MapPost("/prospects", (JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(CreateProspect(body, store))));
        api.MapPut("/prospects/{id}", (string id, JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Update("prospect", id, body, store))));
        api.MapGet("/prospects/{id}/contacts", (string id, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Results.Ok(
                store.Matching(Crm, "contact", "prospectId", id).Select(View)))));
        api.MapPost("/prospects/{id}/contacts", (string id, JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(CreateContact(id, body, store))));
        api.MapPut("/prospects/{id}/contacts/{contactId}", (string id, string contactId, JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Update("contact", contactId, body, store))));
        api.MapGet("/contacts", (string? email, string? phone, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Results.Ok(Search(store, "contact", email, phone, null)))));
    }

    private static IResult IssueToken(JsonObject body, IConfiguration config)
    {
        var username = config["Sandbox:Alis:Username"] ?? "sandbox@roobrik";
        var password = config["Sandbox:Alis:Password"] ?? "sandbox-alis-password";
        if (Text(body, "username") is not { } given || !given.Contains('@', StringComparison.Ordinal))
        {
            return Results.Json(new { errors = new[] { new { field = "username", message = "Username must match ^<username>@<tenantKey>$" } } }, statusCode: 400);
        }
        if (given != username || Text(body, "password") != password)
        {
            return Results.Json(new { message = "Invalid username or password" }, statusCode: 401);
        }
        var token = $"alis-{Guid.NewGuid():N}";
        Tokens[token] = DateTimeOffset.UtcNow.AddHours(1);
        return Results.Ok(new { accessToken = token, tokenType = "Bearer", expiresIn = 3600 });
    }

    private static IResult CreateProspect(JsonObject body, SandboxStore store)
    {
        var errors = new List<object>();
        if (string.IsNullOrWhiteSpace(Text(body, "source")))
        {
            errors.Add(new { field = "source", message = "Source is required" });
        }
        if (body["communityId"] is null)
        {
            errors.Add(new { field = "communityId", message = "Community is required" });
        }
        if (errors.Count > 0)
        {
            return Results.Json(new { errors }, statusCode: 400);
        }
        var record = store.Create(Crm, "prospect", "ALIS-P", body);
        return Results.Json(new { prospectId = record.Id }, statusCode: 201);
    }

    private static IResult CreateContact(string prospectId, JsonObject body, SandboxStore store)
    {
        if (store.Find(Crm, prospectId) is not { Kind: "prospect" })
        {
            return NotFound("Prospect", prospectId);
        }
        if (string.IsNullOrWhiteSpace(Text(body, "lastName")) || string.IsNullOrWhiteSpace(Text(body, "relationship")))
        {
            return Results.Json(new { errors = new[] { new { field = "lastName", message = "Last name and relationship are required" } } }, statusCode: 400);
        }
        body["prospectId"] = prospectId;
        var record = store.Create(Crm, "contact", "ALIS-C", body);
        return Results.Json(new { contactId = record.Id }, statusCode: 201);
    }

    private static IResult Update(string kind, string id, JsonObject body, SandboxStore store)
    {
        if (store.Find(Crm, id) is not { } record || record.Kind != kind)
        {
            return NotFound(kind, id);
        }
        body.Remove("prospectId");
        store.Update(record, body);
        return Results.Ok(View(record));
    }

    private static IEnumerable<JsonObject> Search(SandboxStore store, string kind, string? email, string? phone, string? referenceId) =>
        store.Matching(Crm, kind, "referenceId", referenceId)
            .Concat(store.Matching(Crm, kind, "email", email))
            .Concat(store.Matching(Crm, kind, "phone", phone))
            .Distinct().OrderBy(r => r.CreatedAt).Select(View);

    private static JsonObject View(SandboxRecord record)
    {
        var view = (JsonObject)record.Fields.DeepClone();
        view["id"] = record.Id;
        return view;
    }

    private static IResult NotFound(string kind, string id) => Results.Json(new { message = $"{kind} {id} not found" }, statusCode: 404);

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static async ValueTask<object?> RequireBearer(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        return Tokens.TryGetValue(token, out var expires) && expires > DateTimeOffset.UtcNow
            ? await next(context)
            : Results.Json(new { message = "Authorization has been denied for this request." }, statusCode: 401);
    }
}
