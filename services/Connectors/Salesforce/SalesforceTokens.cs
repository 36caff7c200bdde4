using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.Salesforce;

/// <summary>An OAuth session: the bearer token and the org's instance URL that API calls go to.</summary>
public sealed record SalesforceSession(string AccessToken, Uri InstanceUrl, DateTimeOffset ExpiresAt, string Fingerprint);

/// <summary>
/// OAuth 2.0 tokens of each integration (refresh-token grant when a refresh token is configured, else client
/// credentials), cached until they expire or Salesforce says the session is invalid.
/// </summary>
public sealed class SalesforceTokens(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, SalesforceSession> _sessions = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("instance_url")] string? InstanceUrl,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);

    public async Task<SalesforceSession> GetAsync(HttpClient http, Integration integration, SalesforceSettings settings, CancellationToken ct)
    {
        var fingerprint = Fingerprint(integration);
        if (Valid(integration.Id, fingerprint) is { } cached)
        {
            return cached;
        }
        var gate = _locks.GetOrAdd(integration.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (Valid(integration.Id, fingerprint) is { } fresh)
            {
                return fresh;
            }
            var session = await RequestAsync(http, integration, settings, fingerprint, ct);
            _sessions[integration.Id] = session;
            return session;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the session, unless another caller already replaced it.</summary>
    public void Invalidate(string integrationId, SalesforceSession session) =>
        _sessions.TryRemove(new KeyValuePair<string, SalesforceSession>(integrationId, session));

    private SalesforceSession? Valid(string integrationId, string fingerprint) =>
        _sessions.TryGetValue(integrationId, out var s) && s.Fingerprint == fingerprint && s.ExpiresAt > clock.GetUtcNow() ? s : null;

    private async Task<SalesforceSession> RequestAsync(HttpClient http, Integration integration, SalesforceSettings settings, string fingerprint, CancellationToken ct)
    {
        var endpoint = integration.Endpoint ?? throw new CrmConfigurationException($"integration {integration.Id} has no endpoint");
        var tokenUrl = integration.Credential("tokenUrl") ?? endpoint.TrimEnd('/') + "/services/oauth2/token";
        var form = new Dictionary<string, string>
        {
            ["client_id"] = integration.Credential("clientId") ?? throw new CrmConfigurationException($"integration {integration.Id} has no clientId credential"),
            ["client_secret"] = integration.Credential("clientSecret") ?? "",
        };
        if (integration.Credential("refreshToken") is { Length: > 0 } refreshToken)
        {
            form["grant_type"] = "refresh_token";
            form["refresh_token"] = refreshToken;
        }
        else
        {
            form["grant_type"] = "client_credentials";
        }
        using var response = await http.PostAsync(new Uri(tokenUrl), new FormUrlEncodedContent(form), ct);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            // invalid_grant / invalid_client: no retry brings the credentials back.
            throw CrmHttp.IsTransient(response.StatusCode)
                ? new CrmTransientException($"Salesforce token endpoint answered {(int)response.StatusCode}", CrmHttp.RetryAfter(response.Headers.RetryAfter))
                : new CrmPermanentException($"Salesforce refused the OAuth credentials ({(int)response.StatusCode}): {Truncate(body)}");
        }
        var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(ct);
        if (answer?.AccessToken is not { Length: > 0 } token || !Uri.TryCreate(answer.InstanceUrl, UriKind.Absolute, out var instance))
        {
            throw new CrmPermanentException("Salesforce token answer has no access_token or instance_url");
        }
        var lifetime = answer.ExpiresIn is > 60 ? TimeSpan.FromSeconds(answer.ExpiresIn.Value - 30) : TimeSpan.FromMinutes(settings.TokenLifetimeMinutes);
        return new SalesforceSession(token, instance, clock.GetUtcNow() + lifetime, fingerprint);
    }

    /// <summary>New credentials or endpoint mean a new session.</summary>
    private static string Fingerprint(Integration integration) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            integration.Endpoint, integration.Credential("tokenUrl"), integration.Credential("clientId"),
            integration.Credential("clientSecret"), integration.Credential("refreshToken")))));

    private static string Truncate(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
