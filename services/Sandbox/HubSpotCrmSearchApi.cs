using System.Globalization;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// What HubSpot offers for polling dispositions, in its published shapes: engagements and deals
/// (<c>POST /crm/v3/objects/{calls|emails|meetings|notes|tasks|deals}</c> with <c>associations</c> to contacts;
/// <c>PATCH /crm/v3/objects/deals/{id}</c>, <c>POST /crm/v3/objects/deals/batch/read</c>), the CRM
/// search API (<c>POST /crm/v3/objects/{type}/search</c>: one filter group on <c>lastmodifieddate</c> /
/// <c>hs_lastmodifieddate</c> GT/GTE Unix ms, sorted ascending, <c>limit</c> and <c>after</c> paging) and batch
/// association reads (<c>POST /crm/v4/associations/{type}/contacts/batch/read</c>). Each search is kept as a
/// <c>search</c> record (object type and the cursor asked from) for inspection. Faults <c>429</c> (RATE_LIMIT),
/// <c>500</c> and <c>down</c> play here too.
/// </summary>
public static class HubSpotCrmSearchApi
{
    public static readonly IReadOnlySet<string> EngagementTypes = new HashSet<string>(StringComparer.Ordinal) { "calls", "emails", "meetings", "notes", "tasks" };

    /// <summary>Objects created with associations to contacts: the engagements, and deals (opportunities).</summary>
    private static bool Associated(string objectType) => EngagementTypes.Contains(objectType) || objectType == "deals";

    public static void MapHubSpotCrmSearchApi(this WebApplication app)
    {
        var config = app.Configuration;
        var group = app.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Headers.Authorization != $"Bearer {config["Sandbox:HubSpot:AccessToken"] ?? "sandbox-hubspot-token"}")
            {
                return Error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
            }
            return http.RequestServices.GetRequiredService<FaultInjector>().Next(HubSpotApi.Crm, creates: false)?.Mode switch
            {
                "429" => RateLimited(http),
                "500" => Error(500, "INTERNAL_ERROR", "internal error"),
                "down" => Error(503, "SERVICE_UNAVAILABLE", "Service unavailable"),
                _ => await next(context),
            };
        });
        group.MapPost("/crm/v3/objects/{objectType}", (string objectType, JsonObject body, SandboxStore store) => CreateEngagement(objectType, body, store));
        group.MapPost("/crm/v3/objects/{objectType}/search", (string objectType, JsonObject body, SandboxStore store) => Search(objectType, body, store));
        group.MapPost("/crm/v3/objects/deals/batch/read", (JsonObject body, SandboxStore store) => ReadDeals(body, store));
        group.MapPatch("/crm/v3/objects/deals/{id}", (string id, JsonObject body, SandboxStore store) => UpdateDeal(id, body, store));
        group.MapPost("/crm/v4/associations/{objectType}/contacts/batch/read", (string objectType, JsonObject body, SandboxStore store) => Associations(objectType, body, store));
    }

    private static string Kind(string objectType) => objectType == "contacts" ? "contact" : objectType;

    private static IResult CreateEngagement(string objectType, JsonObject body, SandboxStore store)
    {
        if (!Associated(objectType))
        {
            return Error(404, "OBJECT_NOT_FOUND", "resource not found");
        }
        var properties = body["properties"] as JsonObject ?? [];
        // associations: [ { to: { id }, types: [ { associationCategory, associationTypeId } ] } ]
        var contacts = new JsonArray();
        foreach (var association in body["associations"] as JsonArray ?? [])
        {
            if (association?["to"]?["id"]?.ToString() is { } id && store.Find(HubSpotApi.Crm, id) is { Kind: "contact" })
            {
                contacts.Add(id);
            }
        }
        var fields = (JsonObject)properties.DeepClone();
        fields["_contacts"] = contacts;
        var record = store.Create(HubSpotApi.Crm, objectType, "", fields);
        record.Fields["hs_object_id"] = record.Id;
        return Results.Json(View(record, null), statusCode: 201);
    }

    private static IResult Search(string objectType, JsonObject body, SandboxStore store)
    {
        if (objectType != "contacts" && !Associated(objectType))
        {
            return Error(404, "OBJECT_NOT_FOUND", "resource not found");
        }
        var filter = (body["filterGroups"] as JsonArray)?.FirstOrDefault()?["filters"]?.AsArray().FirstOrDefault();
        var property = filter?["propertyName"]?.ToString();
        var op = filter?["operator"]?.ToString();
        if (property is not ("lastmodifieddate" or "hs_lastmodifieddate") || op is not ("GT" or "GTE")
            || !long.TryParse(filter?["value"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var since))
        {
            return Error(400, "VALIDATION_ERROR", "The sandbox searches by one lastmodifieddate/hs_lastmodifieddate GT|GTE <Unix ms> filter");
        }
        store.Create(HubSpotApi.Crm, "search", "S", new JsonObject { ["objectType"] = objectType, ["since"] = since });
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? 10, 1, 200);
        var after = int.TryParse(body["after"]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
        var requested = (body["properties"] as JsonArray)?.Select(p => p!.ToString()).ToArray();
        var matching = store.All(HubSpotApi.Crm, Kind(objectType))
            .Where(r => op == "GT" ? r.UpdatedAt.ToUnixTimeMilliseconds() > since : r.UpdatedAt.ToUnixTimeMilliseconds() >= since)
            .OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var page = matching.Skip(after).Take(limit).Select(r => View(r, requested)).ToList();
        var next = after + limit < matching.Count ? new { next = new { after = (after + limit).ToString(CultureInfo.InvariantCulture) } } : null;
        return Results.Ok(new { total = matching.Count, results = page, paging = next });
    }

    /// <summary><c>{ properties, inputs: [ { id } ] }</c>: the deals that exist, with the properties asked for.</summary>
    private static IResult ReadDeals(JsonObject body, SandboxStore store)
    {
        var requested = (body["properties"] as JsonArray)?.Select(p => p!.ToString()).ToArray();
        var results = (body["inputs"] as JsonArray ?? [])
            .Select(input => input?["id"]?.ToString() is { } id ? store.Find(HubSpotApi.Crm, id) : null)
            .Where(r => r is { Kind: "deals" })
            .Select(r => View(r!, requested)).ToList();
        return Results.Ok(new { status = "COMPLETE", results });
    }

    /// <summary>A CRM user moving a deal on: its properties change, its contacts stay.</summary>
    private static IResult UpdateDeal(string id, JsonObject body, SandboxStore store)
    {
        if (store.Find(HubSpotApi.Crm, id) is not { Kind: "deals" } deal)
        {
            return Error(404, "OBJECT_NOT_FOUND", "resource not found");
        }
        return Results.Ok(View(store.Update(deal, (JsonObject)(body["properties"] as JsonObject ?? []).DeepClone()), null));
    }

    private static IResult Associations(string objectType, JsonObject body, SandboxStore store)
    {
        var results = new JsonArray();
        foreach (var input in body["inputs"] as JsonArray ?? [])
        {
            if (input?["id"]?.ToString() is { } id && store.Find(HubSpotApi.Crm, id) is { } record && record.Kind == objectType)
            {
                var to = new JsonArray();
                foreach (var contact in record.Fields["_contacts"] as JsonArray ?? [])
                {
                    to.Add(new JsonObject
                    {
                        ["toObjectId"] = long.Parse(contact!.ToString(), CultureInfo.InvariantCulture),
                        ["associationTypes"] = new JsonArray(new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = 0, ["label"] = null }),
                    });
                }
                results.Add(new JsonObject { ["from"] = new JsonObject { ["id"] = id }, ["to"] = to });
            }
        }
        return Results.Ok(new { status = "COMPLETE", results });
    }

    private static JsonObject View(SandboxRecord record, string[]? requested)
    {
        var properties = new JsonObject();
        foreach (var (name, value) in record.Fields)
        {
            if (!name.StartsWith('_') && (requested is null || requested.Contains(name)))
            {
                properties[name] = value?.DeepClone();
            }
        }
        var modified = record.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        properties[record.Kind == "contact" ? "lastmodifieddate" : "hs_lastmodifieddate"] = modified;
        properties["hs_object_id"] = record.Id;
        return new JsonObject
        {
            ["id"] = record.Id, ["properties"] = properties,
            ["createdAt"] = record.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["updatedAt"] = modified, ["archived"] = false,
        };
    }

    /// <summary>HubSpot's secondly-limit answer; each one kept as a <c>rate-limited</c> record, as the contacts API does.</summary>
    private static IResult RateLimited(HttpContext http)
    {
        http.RequestServices.GetRequiredService<SandboxStore>().Create(HubSpotApi.Crm, "rate-limited", "RL", new JsonObject { ["policyName"] = "SECONDLY", ["path"] = http.Request.Path.Value });
        return Results.Json(new { status = "error", message = "You have reached your secondly limit.", errorType = "RATE_LIMIT", policyName = "SECONDLY" }, statusCode: 429);
    }

    private static IResult Error(int status, string category, string message) =>
        Results.Json(new { status = "error", message, correlationId = Guid.NewGuid(), category }, statusCode: status);
}
