using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors.Salesforce;

/// <summary>
/// Salesforce's REST API for one integration and one delivery: bearer token from the cache, refreshed once
/// when Salesforce answers <c>INVALID_SESSION_ID</c>; assignment rules switched off on every write; every call waits
/// for the org's shared rate limit, and throttling pauses the org for every instance of the connector.
/// </summary>
public sealed class SalesforceRestClient(HttpClient http, SalesforceTokens tokens, SalesforceRateLimits limits, Integration integration, SalesforceSettings settings)
{
    /// <summary>The first record a query returns, or null.</summary>
    public async Task<JsonObject?> QueryFirstAsync(string soql, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Get, $"query?q={Uri.EscapeDataString(soql)}", null, ct);
        return answer?["records"] is JsonArray records ? records.OfType<JsonObject>().FirstOrDefault() : null;
    }

    /// <summary>Creates a record; its id from <c>{id, success, errors}</c>.</summary>
    public async Task<string> CreateAsync(string sobject, IReadOnlyDictionary<string, string> fields, CancellationToken ct)
    {
        var answer = await SendAsync(HttpMethod.Post, $"sobjects/{sobject}", fields, ct);
        return answer?["id"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new CrmTransientException($"Salesforce created a {sobject} but its answer carried no id");
    }

    public async Task UpdateAsync(string sobject, string id, IReadOnlyDictionary<string, string> fields, CancellationToken ct) =>
        await SendAsync(HttpMethod.Patch, $"sobjects/{sobject}/{Uri.EscapeDataString(id)}", fields, ct);

    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        for (var refreshed = false; ; refreshed = true)
        {
            var session = await tokens.GetAsync(http, integration, settings, ct);
            await limits.WaitAsync(integration.Id, settings.MaxRequestsPerSecond, ct);
            using var request = new HttpRequestMessage(method, new Uri(session.InstanceUrl, $"/services/data/{settings.ApiVersion}/{path}"));
            request.Headers.Authorization = new("Bearer", session.AccessToken);
            request.Headers.Add("Sforce-Auto-Assign", "FALSE");
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                return response.Content.Headers.ContentLength == 0 || response.StatusCode == System.Net.HttpStatusCode.NoContent
                    ? null
                    : await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            }
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!refreshed && SalesforceErrors.IsInvalidSession(response.StatusCode, text))
            {
                tokens.Invalidate(integration.Id, session);
                continue;
            }
            var retryAfter = CrmHttp.RetryAfter(response.Headers.RetryAfter);
            if (SalesforceErrors.IsRequestLimitExceeded(text))
            {
                await limits.PauseAsync(integration.Id, retryAfter ?? TimeSpan.FromSeconds(settings.RequestLimitRetryAfterSeconds), ct);
            }
            throw SalesforceErrors.ToException(response.StatusCode, text, retryAfter, TimeSpan.FromSeconds(settings.RequestLimitRetryAfterSeconds));
        }
    }
}
