using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.Ops;

public sealed class OpsException(string message) : Exception(message);

/// <summary>The ingestion admin ops API (<c>/v1/admin</c>, X-Admin-Key) and the Disposition service's read API.</summary>
public sealed class OpsApi(OpsSettings settings, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);

    public Task<JsonElement> GetAdminAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, new Uri(settings.Api, path), admin: true, ct);

    public Task<JsonElement> PostAdminAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Post, new Uri(settings.Api, path), admin: true, ct);

    /// <summary>The Disposition service's answer, or why there is none (it does not answer, or has nothing for this).</summary>
    public async Task<(JsonElement? Value, string? Missing)> TryGetDispositionAsync(string path, CancellationToken ct)
    {
        try
        {
            return (await SendAsync(HttpMethod.Get, new Uri(settings.Disposition, path), admin: true, ct), null);
        }
        catch (HttpRequestException)
        {
            return (null, "not available (the Disposition service does not answer)");
        }
        catch (OpsException ex)
        {
            return (null, ex.Message.Contains(" 404 ", StringComparison.Ordinal) ? "none recorded yet" : $"not available ({ex.Message})");
        }
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, Uri uri, bool admin, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (admin)
        {
            request.Headers.Add("X-Admin-Key", settings.AdminKey);
        }
        using var response = await _http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new OpsException($"{method} {uri.AbsolutePath} answered {(int)response.StatusCode} {Describe(response.StatusCode, body)}");
        }
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Describe(HttpStatusCode status, string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : status.ToString();
            var errors = problem.TryGetProperty("errors", out var e)
                ? " " + string.Join("; ", e.EnumerateObject().Select(f => $"{f.Name}: {string.Join(", ", f.Value.EnumerateArray().Select(v => v.GetString()))}"))
                : "";
            return title + errors;
        }
        catch (JsonException)
        {
            return status.ToString();
        }
    }

    public void Dispose() => _http.Dispose();
}
