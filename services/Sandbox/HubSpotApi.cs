using System.Globalization;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The HubSpot CRM v3 contacts stand-in, in HubSpot's published shapes: <c>POST /crm/v3/objects/contacts</c>
/// (201, or 409 CONFLICT "Contact already exists. Existing ID: n" when the email is taken),
/// <c>PATCH|GET /crm/v3/objects/contacts/{id}</c> (also <c>?idProperty=email</c>), a bearer token, and the rate
/// limits: every answer carries <c>X-HubSpot-RateLimit-*</c> headers, and going over the secondly or ten-second
/// limit (<c>Sandbox:HubSpot:SecondlyLimit</c>, <c>:TenSecondlyLimit</c>) answers 429 RATE_LIMIT, each one kept
/// as a <c>rate-limited</c> record for inspection. Fault <c>429</c> plays a secondly-limit 429.
/// </summary>
public static class HubSpotApi
{
    public const string Crm = "hubspot";
    private const string Base = "/crm/v3/objects/contacts";

    public static void MapHubSpotApi(this WebApplication app)
    {
        var config = app.Configuration;
        var window = new RequestWindow(
            config.GetValue("Sandbox:HubSpot:SecondlyLimit", 10),
            config.GetValue("Sandbox:HubSpot:TenSecondlyLimit", 100));
        var api = app.MapGroup(Base).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var expected = config["Sandbox:HubSpot:AccessToken"] ?? "sandbox-hubspot-token";
            if (http.Request.Headers.Authorization != $"Bearer {expected}")
            {
                return Error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
            }
            var (allowed, secondlyLeft, tenSecondlyLeft) = window.Take();
            var headers = http.Response.Headers;
            headers["X-HubSpot-RateLimit-Max"] = window.TenSecondly.ToString(CultureInfo.InvariantCulture);
            headers["X-HubSpot-RateLimit-Remaining"] = tenSecondlyLeft.ToString(CultureInfo.InvariantCulture);
            headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000";
            headers["X-HubSpot-RateLimit-Secondly"] = window.Secondly.ToString(CultureInfo.InvariantCulture);
            headers["X-HubSpot-RateLimit-Secondly-Remaining"] = secondlyLeft.ToString(CultureInfo.InvariantCulture);
            if (allowed is not null)
            {
                http.RequestServices.GetRequiredService<SandboxStore>().Create(Crm, "rate-limited", "RL", new JsonObject { ["policyName"] = allowed });
                return RateLimited(allowed);
            }
            return await next(context);
        });
        api.MapPost("", (JsonObject body, SandboxStore store, HttpContext http) => PlayAsync(http, () => Create(body, store)));
        api.MapPatch("/{id}", (string id, string? idProperty, JsonObject body, SandboxStore store, HttpContext http) =>
            PlayAsync(http, () => Update(Find(store, id, idProperty), body, store)));
        api.MapGet("/{id}", (string id, string? idProperty, SandboxStore store, HttpContext http) =>
            PlayAsync(http, () => Find(store, id, idProperty) is { } record ? Results.Ok(View(record)) : NotFound()));
    }

    private static IResult Create(JsonObject body, SandboxStore store)
    {
        if (body["properties"] is not JsonObject properties)
        {
            return Error(400, "VALIDATION_ERROR", "Invalid input JSON: properties is required");
        }
        if (Text(properties, "email") is { } email && FindByEmail(store, email) is { } existing)
        {
            return Error(409, "CONFLICT", $"Contact already exists. Existing ID: {existing.Id}");
        }
        var record = store.Create(Crm, "contact", "", (JsonObject)properties.DeepClone());
        record.Fields["hs_object_id"] = record.Id;
        return Results.Json(View(record), statusCode: 201);
    }

    private static IResult Update(SandboxRecord? record, JsonObject body, SandboxStore store)
    {
        if (record is null)
        {
            return NotFound();
        }
        if (body["properties"] is not JsonObject properties)
        {
            return Error(400, "VALIDATION_ERROR", "Invalid input JSON: properties is required");
        }
        if (Text(properties, "email") is { } email && FindByEmail(store, email) is { } other && other.Id != record.Id)
        {
            return Error(409, "CONFLICT", $"Contact already exists. Existing ID: {other.Id}");
        }
        store.Update(record, (JsonObject)properties.DeepClone());
        return Results.Ok(View(record));
    }

    private static async Task<IResult> PlayAsync(HttpContext http, Func<IResult> handle)
    {
        var fault = http.RequestServices.GetRequiredService<FaultInjector>().Next(Crm);
        switch (fault?.Mode)
        {
            case "429":
                http.Response.Headers["X-HubSpot-RateLimit-Secondly-Remaining"] = "0";
                return RateLimited("SECONDLY", fault.Message);
            case "400":
                return Error(400, "VALIDATION_ERROR", fault.Message ?? "Property values were not valid");
            case "500":
                return Error(500, "INTERNAL_ERROR", fault.Message ?? "internal error");
            case "down":
                return Error(503, "SERVICE_UNAVAILABLE", "Service unavailable");
            default:
                return await CrmFaults.TimedAsync(fault, http, () => Task.FromResult(handle()));
        }
    }

    private static SandboxRecord? Find(SandboxStore store, string id, string? idProperty) =>
        string.Equals(idProperty, "email", StringComparison.OrdinalIgnoreCase)
            ? FindByEmail(store, id)
            : store.Find(Crm, id) is { Kind: "contact" } record ? record : null;

    private static SandboxRecord? FindByEmail(SandboxStore store, string email) =>
        store.Matching(Crm, "contact", "email", email).FirstOrDefault();

    private static JsonObject View(SandboxRecord record) => new()
    {
        ["id"] = record.Id,
        ["properties"] = record.Fields.DeepClone(),
        ["createdAt"] = record.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["updatedAt"] = record.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["archived"] = false,
    };

    private static IResult RateLimited(string policy, string? message = null) => Results.Json(new
    {
        status = "error",
        message = message ?? (policy == "SECONDLY" ? "You have reached your secondly limit." : "You have reached your ten_secondly_rolling limit."),
        errorType = "RATE_LIMIT",
        correlationId = Guid.NewGuid(),
        policyName = policy,
        groupName = "publicapi:private-app:sandbox",
    }, statusCode: 429);

    private static IResult Error(int status, string category, string message) =>
        Results.Json(new { status = "error", message, correlationId = Guid.NewGuid(), category }, statusCode: status);

    private static IResult NotFound() => Error(404, "OBJECT_NOT_FOUND", "resource not found");

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>HubSpot's two windows: requests in the last second and in the last ten seconds.</summary>
    private sealed class RequestWindow(int secondly, int tenSecondly)
    {
        private readonly Queue<DateTimeOffset> _recent = new();
        public int Secondly => secondly;
        public int TenSecondly => tenSecondly;

        /// <summary>The policy that refuses this request (null when allowed), and what is left in each window.</summary>
        public (string? Refused, int SecondlyLeft, int TenSecondlyLeft) Take()
        {
            lock (_recent)
            {
                var now = DateTimeOffset.UtcNow;
                while (_recent.Count > 0 && now - _recent.Peek() > TimeSpan.FromSeconds(10))
                {
                    _recent.Dequeue();
                }
                var lastSecond = _recent.Count(t => now - t < TimeSpan.FromSeconds(1));
                if (lastSecond >= secondly)
                {
                    return ("SECONDLY", 0, Math.Max(0, tenSecondly - _recent.Count));
                }
                if (_recent.Count >= tenSecondly)
                {
                    return ("TEN_SECONDLY_ROLLING", Math.Max(0, secondly - lastSecond), 0);
                }
                _recent.Enqueue(now);
                return (null, secondly - lastSecond - 1, tenSecondly - _recent.Count);
            }
        }
    }
}
