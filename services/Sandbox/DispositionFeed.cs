using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The CRM side of dispositions: <c>POST /sandbox/dispositions</c> changes a record's status or logs an
/// activity, then either pushes it to the platform signed (<c>push: { url, secret }</c>) or appends it to
/// the CRM's polling feed, <c>GET /sandbox/{crm}/changes?since=&lt;cursor&gt;</c>.
/// </summary>
public sealed class DispositionFeed
{
    private readonly List<(long Sequence, string Crm, JsonObject Change)> _changes = [];
    private long _sequence;

    public long Append(string crm, JsonObject change)
    {
        lock (_changes)
        {
            var sequence = ++_sequence;
            _changes.Add((sequence, crm, change));
            return sequence;
        }
    }

    public (IReadOnlyList<JsonObject> Changes, long Cursor) Since(string crm, long since, int limit)
    {
        lock (_changes)
        {
            var page = _changes.Where(c => c.Crm == crm && c.Sequence > since).Take(limit).ToList();
            return (page.Select(c => (JsonObject)c.Change.DeepClone()).ToList(), page.Count == 0 ? since : page[^1].Sequence);
        }
    }
}

public sealed record DispositionRequest
{
    public string Crm { get; init; } = "";
    public string? RecordId { get; init; }
    public Guid? LeadId { get; init; }
    public string? EventId { get; init; }
    public string? Status { get; init; }
    public SandboxActivity? Activity { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public PushTarget? Push { get; init; }
}

public sealed record SandboxActivity(string Type, string? Details);

public sealed record PushTarget(string Url, string Secret);

public static class DispositionFeedApi
{
    public static IHostApplicationBuilder AddDispositionFeed(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DispositionFeed>();
        builder.Services.AddHttpClient(nameof(DispositionFeed));
        return builder;
    }

    public static void MapDispositionFeed(this WebApplication app)
    {
        app.MapPost("/sandbox/dispositions", EmitAsync);
        app.MapGet("/sandbox/{crm}/changes", (string crm, string? since, int? limit, DispositionFeed feed) =>
        {
            var from = long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            var (changes, cursor) = feed.Since(crm, from, Math.Clamp(limit ?? 50, 1, 500));
            return Results.Ok(new { changes, nextCursor = cursor.ToString(CultureInfo.InvariantCulture) });
        });
    }

    private static async Task<IResult> EmitAsync(DispositionRequest request, SandboxStore store, DispositionFeed feed, IHttpClientFactory http, CancellationToken ct)
    {
        if (request.RecordId is null && request.LeadId is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["recordId"] = ["Name the record (or the platform's leadId)"] });
        }
        var occurredAt = request.OccurredAt ?? DateTimeOffset.UtcNow;
        var change = new JsonObject
        {
            ["eventId"] = request.EventId ?? $"sbx-{Guid.NewGuid():N}",
            ["recordId"] = request.RecordId,
            ["leadId"] = request.LeadId?.ToString(),
            ["status"] = request.Status,
            ["activities"] = request.Activity is null ? null : new JsonArray(new JsonObject { ["type"] = request.Activity.Type, ["details"] = request.Activity.Details }),
            ["occurredAt"] = occurredAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (request.RecordId is not null && request.Status is not null && store.Find(request.Crm, request.RecordId) is { } record)
        {
            store.Update(record, new JsonObject { ["status"] = request.Status });
        }
        if (request.Push is null)
        {
            var cursor = feed.Append(request.Crm, change);
            return Results.Ok(new { delivered = "feed", cursor = cursor.ToString(CultureInfo.InvariantCulture), change });
        }
        var body = Encoding.UTF8.GetBytes(change.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Push.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Add("X-LeadPlatform-Timestamp", timestamp);
        message.Headers.Add("X-LeadPlatform-Signature", Sign(request.Push.Secret, timestamp, body));
        using var response = await http.CreateClient(nameof(DispositionFeed)).SendAsync(message, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        return Results.Ok(new { delivered = "push", statusCode = (int)response.StatusCode, response = answer, change });
    }

    /// <summary>HMAC-SHA256 of <c>timestamp + "." + body</c>, as the platform's push API expects.</summary>
    internal static string Sign(string secret, string timestamp, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. body]));
}
