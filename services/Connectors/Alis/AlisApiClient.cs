using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.Alis;

/// <summary>
/// ALIS's HTTP surface for one integration: its base URL, and a bearer token from <c>user/tokens</c> (the
/// integration's <c>username</c> and <c>password</c>), kept until shortly before it expires and fetched anew
/// once when ALIS says it is no longer valid.
/// </summary>
internal sealed class AlisApiClient(HttpClient http, Integration integration)
{
    private const string Crm = "ALIS";
    private static readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> Tokens = new();

    private readonly string _base = (integration.Endpoint ?? throw new CrmConfigurationException($"integration {integration.Id} has no endpoint")).TrimEnd('/') + "/";
    // One token per integration and credentials: a changed password must not ride on an old token.
    private string TokenKey => $"{integration.Id}|{_base}|{integration.Credential("username")}|{integration.Credential("password")?.GetHashCode(StringComparison.Ordinal)}";

    /// <summary>GET returning a list, or one object as a list of one.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetAsync(string path, CancellationToken ct)
    {
        using var response = await SendAuthorizedAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(_base + path)), ct);
        await response.EnsureCrmSuccessAsync(Crm, ct);
        return await response.Content.ReadFromJsonAsync<JsonNode>(ct) switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject one => [one],
            _ => [],
        };
    }

    public async Task<JsonObject> SendAsync<T>(HttpMethod method, string path, T body, CancellationToken ct)
    {
        using var response = await SendAuthorizedAsync(() => new HttpRequestMessage(method, new Uri(_base + path))
        {
            Content = JsonContent.Create(body, options: PlatformJson.Options),
        }, ct);
        await response.EnsureCrmSuccessAsync(Crm, ct);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct)) ?? [];
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(Func<HttpRequestMessage> create, CancellationToken ct)
    {
        var request = create();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(ct));
        var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        // The token expired or was revoked early: one fresh token, then a 401 is a real auth failure.
        response.Dispose();
        Tokens.TryRemove(TokenKey, out _);
        var retry = create();
        retry.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(ct));
        return await http.SendAsync(retry, ct);
    }

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        if (Tokens.TryGetValue(TokenKey, out var cached) && cached.Expires > DateTimeOffset.UtcNow.AddMinutes(1))
        {
            return cached.Token;
        }
        using var response = await http.PostAsJsonAsync(new Uri(_base + "user/tokens"), new
        {
            username = integration.Credential("username"),
            password = integration.Credential("password"),
        }, ct);
        await response.EnsureCrmSuccessAsync(Crm, ct);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        var token = answer["accessToken"]!.GetValue<string>();
        var lifetime = TimeSpan.FromSeconds(answer["expiresIn"]?.GetValue<int>() ?? 3600);
        Tokens[TokenKey] = (token, DateTimeOffset.UtcNow + lifetime);
        return token;
    }
}
