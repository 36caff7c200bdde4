using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// Plays HubSpot's webhook delivery: <c>POST /sandbox/hubspot/webhooks</c> with
/// <c>{ url, clientSecret, events: [ { subscriptionType, objectId, propertyName, propertyValue, … } ], signedAt? }</c>
/// fills in what HubSpot adds to each event (eventId, subscriptionId, portalId, appId, occurredAt, attemptNumber,
/// changeSource), signs the batch the v3 way (<c>X-HubSpot-Signature-v3</c>, <c>X-HubSpot-Request-Timestamp</c> in
/// milliseconds) and posts it, answering with the platform's status code and body. <c>signedAt</c> (Unix ms) plays a
/// stale or replayed delivery. The signing here is written from HubSpot's documentation, independently of the
/// platform's verifier, so a test proves the two agree.
/// </summary>
public static class HubSpotWebhookSender
{
    public const int PortalId = 62515;
    public const int AppId = 54321;
    private static long _eventIds = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 100;

    public sealed record WebhookRequest(string Url, string ClientSecret, JsonArray Events, long? SignedAt);

    public static void MapHubSpotWebhookSender(this WebApplication app) =>
        app.MapPost("/sandbox/hubspot/webhooks", SendAsync);

    private static async Task<IResult> SendAsync(WebhookRequest request, IHttpClientFactory http, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batch = new JsonArray();
        foreach (var node in request.Events)
        {
            if (node is not JsonObject given)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["events"] = ["Each event is a JSON object"] });
            }
            var e = (JsonObject)given.DeepClone();
            e["eventId"] ??= Interlocked.Increment(ref _eventIds);
            e["subscriptionId"] ??= 1001;
            e["portalId"] ??= PortalId;
            e["appId"] ??= AppId;
            e["occurredAt"] ??= now;
            e["attemptNumber"] ??= 0;
            e["changeSource"] ??= "CRM";
            batch.Add(e);
        }
        var body = Encoding.UTF8.GetBytes(batch.ToJsonString());
        var timestamp = (request.SignedAt ?? now).ToString(CultureInfo.InvariantCulture);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        message.Headers.Add("X-HubSpot-Signature-v3", Sign(request.ClientSecret, "POST", request.Url, body, timestamp));
        using var response = await http.CreateClient(nameof(DispositionFeed)).SendAsync(message, ct);
        return Results.Ok(new { statusCode = (int)response.StatusCode, response = await response.Content.ReadAsStringAsync(ct), batch });
    }

    /// <summary>base64(HMAC-SHA256(client secret, method + uri + body + timestamp)).</summary>
    private static string Sign(string secret, string method, string uri, byte[] body, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            (byte[])[.. Encoding.UTF8.GetBytes(method + uri), .. body, .. Encoding.UTF8.GetBytes(timestamp)]));
}
