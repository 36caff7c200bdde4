using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The Enquire stand-in: individuals (Prospects and Contacts linked to them) and the reports kept on a
/// prospect, behind an <c>Ocp-Apim-Subscription-Key</c> header.
/// </summary>
public static class EnquireApi
{
    public const string Crm = "enquire";

    public static void MapEnquireApi(this WebApplication app)
    {
        var api = app.MapGroup("/enquire/v1").AddEndpointFilter(RequireSubscriptionKey);
        api.MapGet("/individuals", (string? email, string? phone, string? externalId, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Results.Ok(Search(store, email, phone, externalId)))));
        api.MapGet("/individuals/{id}", (string id, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(
                store.Find(Crm, id) is { Kind: "individual" } found ? Results.Ok(View(found)) : NotFound(id))));
        api.MapPost("/individuals", (JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Create(body, store))));
        api.MapPut("/individuals/{id}", (string id, JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Update(id, body, store))));
        api.MapGet("/individuals/{id}/reports", (string id, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(Results.Ok(Reports(store, id).Select(View)))));
        api.MapPost("/individuals/{id}/reports", (string id, JsonObject body, SandboxStore store, HttpContext http) =>
            CrmFaults.PlayAsync(http, Crm, () => Task.FromResult(AddReport(id, body, store))));
    }

    private static IResult Create(JsonObject body, SandboxStore store)
    {
        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return Results.Json(new { errors }, statusCode: 400);
        }
        if (body["linkedProspectId"]?.GetValue<string>() is { } linked && store.Find(Crm, linked) is null)
        {
            return Results.Json(new { errors = new[] { new { field = "linkedProspectId", message = $"No prospect {linked}" } } }, statusCode: 400);
        }
        var record = store.Create(Crm, "individual", "ENQ-I", body);
        return Results.Json(new { individualId = record.Id }, statusCode: 201);
    }

    private static IResult Update(string id, JsonObject body, SandboxStore store)
    {
        if (store.Find(Crm, id) is not { Kind: "individual" } record)
        {
            return NotFound(id);
        }
        body.Remove("individualType");
        store.Update(record, body);
        return Results.Ok(new { individualId = record.Id });
    }

    private static IResult AddReport(string id, JsonObject body, SandboxStore store)
    {
        if (store.Find(Crm, id) is not { Kind: "individual" })
        {
            return NotFound(id);
        }
        body["individualId"] = id;
        var report = store.Create(Crm, "report", "ENQ-R", body);
        return Results.Json(new { reportId = report.Id }, statusCode: 201);
    }

    private static IEnumerable<SandboxRecord> Reports(SandboxStore store, string individualId) =>
        store.Matching(Crm, "report", "individualId", individualId);

    private static IEnumerable<JsonObject> Search(SandboxStore store, string? email, string? phone, string? externalId) =>
        store.Matching(Crm, "individual", "externalId", externalId)
            .Concat(store.Matching(Crm, "individual", "email", email))
            .Concat(store.Matching(Crm, "individual", "phone", phone))
            .Distinct().OrderBy(r => r.CreatedAt).Select(View);

    private static List<object> Validate(JsonObject body)
    {
        var errors = new List<object>();
        if (Text(body, "individualType") is not ("Prospect" or "Contact"))
        {
            errors.Add(new { field = "individualType", message = "must be Prospect or Contact" });
        }
        if (string.IsNullOrWhiteSpace(Text(body, "lastName")))
        {
            errors.Add(new { field = "lastName", message = "Last name is required" });
        }
        return errors;
    }

    private static JsonObject View(SandboxRecord record)
    {
        var view = (JsonObject)record.Fields.DeepClone();
        view["id"] = record.Id;
        return view;
    }

    private static IResult NotFound(string id) => Results.Json(new { message = $"Individual {id} not found" }, statusCode: 404);

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static async ValueTask<object?> RequireSubscriptionKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IConfiguration>()["Sandbox:Enquire:SubscriptionKey"] ?? "sandbox-enquire-key";
        return http.Request.Headers["Ocp-Apim-Subscription-Key"] == expected
            ? await next(context)
            : Results.Json(new { statusCode = 401, message = "Access denied due to invalid subscription key." }, statusCode: 401);
    }
}
