using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// A dealer CRM, per provider, at <c>/dealer/{provider}</c> (an ADF integration's endpoint):
/// <list type="bullet">
/// <item><c>POST /dealer/{provider}</c>: receives an ADF lead by HTTP (201 <c>{ id }</c>, the CRM's record id). The same
/// dealer CRM takes ADF by email too (<see cref="DealerMailIntake"/>).</item>
/// <item><c>POST /dealer/{provider}/leads/{id}/work</c> <c>{ status, activities: [{ type, details }], push: { url, secret } }</c>: a
/// salesperson works the lead; the change is pushed signed to <c>push.url</c> in the platform's dealer shape, or, without
/// <c>push</c>, added to the provider's changes feed.</item>
/// <item><c>GET /dealer/{provider}/{feed path}?{cursor param}=</c>: the changes feed, shaped as the provider's catalog entry says.</item>
/// </list>
/// </summary>
public static class DealerCrmApi
{
    private static string Crm(string provider) => DealerCrm.Crm(provider);

    public sealed record WorkRequest(string? Status, List<SandboxActivity>? Activities, PushTarget? Push, DateTimeOffset? OccurredAt);

    public static void MapDealerCrm(this WebApplication app)
    {
        app.MapPost("/dealer/{provider}", (string provider, HttpContext http, SandboxStore store) =>
            CrmFaults.PlayAsync(http, Crm(provider), () => ReceiveAsync(provider, http, store)));
        app.MapPost("/dealer/{provider}/leads/{id}/work", WorkAsync);
        app.MapGet("/dealer/{provider}/{**feedPath}", Feed);
    }

    private static async Task<IResult> ReceiveAsync(string provider, HttpContext http, SandboxStore store)
    {
        using var body = new StreamReader(http.Request.Body);
        var xml = await body.ReadToEndAsync(http.RequestAborted);
        var received = DealerCrm.Receive(store, provider, xml, "http");
        return received switch
        {
            { Refusal: { } refusal } => Results.Json(new { message = refusal }, statusCode: 400),
            { Duplicate: true } => Results.Ok(new { id = received.Record!.Id, duplicate = true }),
            _ => Results.Json(new { id = received.Record!.Id }, statusCode: 201),
        };
    }

    private static async Task<IResult> WorkAsync(
        string provider, string id, WorkRequest work, SandboxStore store, DispositionFeed feeds, IHttpClientFactory http, CancellationToken ct)
    {
        if (store.Find(Crm(provider), id) is not { } lead)
        {
            return Results.NotFound(new { message = $"No lead {id} at dealer {provider}" });
        }
        var at = (work.OccurredAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture);
        var changeId = $"chg-{Guid.NewGuid():N}";
        if (work.Status is not null)
        {
            store.Update(lead, new JsonObject { ["status"] = work.Status });
        }
        if (work.Push is not null)
        {
            var pushed = new JsonObject
            {
                ["eventId"] = changeId, ["adfProspectId"] = lead.Fields["prospectId"]?.DeepClone(), ["crmRecordId"] = id,
                ["email"] = lead.Fields["email"]?.DeepClone(), ["status"] = work.Status,
                ["activities"] = new JsonArray((work.Activities ?? []).Select(a => (JsonNode)new JsonObject { ["type"] = a.Type, ["details"] = a.Details, ["occurredAt"] = at }).ToArray()),
                ["occurredAt"] = at,
            };
            return await PushAsync(work.Push, pushed, http, ct);
        }
        if (DealerCrm.FeedOf(provider) is not { } feed)
        {
            return Results.Json(new { message = $"Dealer provider {provider} has no feed; send push" }, statusCode: 400);
        }
        var change = new JsonObject();
        DealerCrm.Set(change, Text(feed, "idPath"), changeId);
        DealerCrm.Set(change, Text(feed, "leadIdPath"), lead.Fields["prospectId"]?.DeepClone());
        DealerCrm.Set(change, Text(feed, "adfProspectIdPath"), lead.Fields["prospectId"]?.DeepClone());
        DealerCrm.Set(change, Text(feed, "crmRecordIdPath"), id);
        DealerCrm.Set(change, Text(feed, "emailPath"), lead.Fields["email"]?.DeepClone());
        DealerCrm.Set(change, Text(feed, "statusPath"), work.Status);
        DealerCrm.Set(change, Text(feed, "timePath"), at);
        var activities = new JsonArray();
        foreach (var activity in work.Activities ?? [])
        {
            var item = new JsonObject();
            DealerCrm.Set(item, Text(feed, "activityTypePath"), activity.Type);
            DealerCrm.Set(item, Text(feed, "activityTimePath"), at);
            DealerCrm.Set(item, Text(feed, "activityDetailsPath"), activity.Details);
            activities.Add(item);
        }
        DealerCrm.Set(change, Text(feed, "activitiesPath"), activities);
        var cursor = feeds.Append(Crm(provider), change);
        return Results.Ok(new { delivered = "feed", cursor = DealerCrm.Cursor(cursor), change });
    }

    private static IResult Feed(string provider, string? feedPath, HttpRequest request, DispositionFeed feeds)
    {
        if (DealerCrm.FeedOf(provider) is not { } feed)
        {
            return Results.NotFound(new { message = $"Dealer provider {provider} has no feed" });
        }
        var since = request.Query[Text(feed, "cursorParam") ?? "since"].FirstOrDefault();
        var from = long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var (changes, cursor) = feeds.Since(Crm(provider), from, 50);
        var answer = new JsonObject();
        DealerCrm.Set(answer, Text(feed, "itemsPath"), new JsonArray(changes.Select(c => (JsonNode)c).ToArray()));
        DealerCrm.Set(answer, Text(feed, "cursorPath"), DealerCrm.Cursor(cursor));
        return Results.Json(answer);
    }

    private static string? Text(JsonObject feed, string name) => feed[name]?.GetValue<string>();

    /// <summary>Signed as the platform's push API expects: HMAC-SHA256 of <c>timestamp + "." + body</c>.</summary>
    private static async Task<IResult> PushAsync(PushTarget target, JsonObject change, IHttpClientFactory http, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(change.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = DispositionFeedApi.Sign(target.Secret, timestamp, body);
        using var message = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add("X-LeadPlatform-Timestamp", timestamp);
        message.Headers.Add("X-LeadPlatform-Signature", signature);
        using var response = await http.CreateClient(nameof(DispositionFeed)).SendAsync(message, ct);
        return Results.Ok(new { delivered = "push", statusCode = (int)response.StatusCode, response = await response.Content.ReadAsStringAsync(ct), change });
    }
}
