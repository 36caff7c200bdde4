using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.OperatorConsole;

/// <summary>A key the services no longer accept (removed or rotated): the console signs its holder out.</summary>
public sealed class KeyRefusedException() : Exception("The services refused the signed-in admin key");

/// <summary>
/// The services' HTTP APIs, called with the signed-in person's admin key: the console reads no table, and every
/// service checks the key's role and account itself. An answer: the status and, when JSON, the body.
/// </summary>
public sealed class PlatformClient(IHttpClientFactory clients, IHttpContextAccessor http)
{
    public const string Ingestion = "ingestion";
    public const string Disposition = "disposition";
    private const string AdminKeyHeader = "X-Admin-Key";

    public sealed record Answer(HttpStatusCode Status, JsonElement Body)
    {
        public bool Ok => (int)Status is >= 200 and < 300;

        /// <summary>The problem+json title or first field error, for showing to the person.</summary>
        public string Problem => Body.ValueKind != JsonValueKind.Object ? $"HTTP {(int)Status}"
            : Body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
              && errors.EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Array } first
                ? $"{first.Name}: {string.Join(" ", first.Value.EnumerateArray().Select(e => e.GetString()))}"
                : Body.TryGetProperty("title", out var title) ? title.GetString() ?? "" : $"HTTP {(int)Status}";
    }

    /// <summary>The admin key's identity (<c>GET /v1/admin/me</c>), for signing in; not the signed-in key.</summary>
    public Task<Answer> WhoIsAsync(string key, CancellationToken ct) =>
        SendAsync(Ingestion, HttpMethod.Get, "v1/admin/me", key, ct);

    public Task<Answer> GetAsync(string service, string path, CancellationToken ct) =>
        SendSignedInAsync(service, HttpMethod.Get, path, ct);

    public Task<Answer> PostAsync(string service, string path, CancellationToken ct) =>
        SendSignedInAsync(service, HttpMethod.Post, path, ct);

    /// <summary>Sends <paramref name="body"/> as JSON (POST or PUT).</summary>
    public Task<Answer> SendJsonAsync(string service, HttpMethod method, string path, object body, CancellationToken ct) =>
        SendSignedInAsync(service, method, path, ct, body);

    private async Task<Answer> SendSignedInAsync(string service, HttpMethod method, string path, CancellationToken ct, object? body = null)
    {
        var key = http.HttpContext?.User.Key() ?? throw new KeyRefusedException();
        var answer = await SendAsync(service, method, path, key, ct, body);
        return answer.Status == HttpStatusCode.Unauthorized ? throw new KeyRefusedException() : answer;
    }

    private async Task<Answer> SendAsync(string service, HttpMethod method, string path, string key, CancellationToken ct, object? content = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(AdminKeyHeader, key);
        if (content is not null || method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(content ?? new { });
        }
        using var response = await clients.CreateClient(service).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var body = default(JsonElement);
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        return new Answer(response.StatusCode, body);
    }
}
