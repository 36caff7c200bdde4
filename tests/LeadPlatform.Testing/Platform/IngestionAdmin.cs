using System.Net.Http.Json;

namespace LeadPlatform.Testing;

/// <summary>Ingestion's admin API as a test calls it: with the admin key, failing the test unless the call succeeds.</summary>
public sealed class IngestionAdmin(HttpClient ingestion)
{
    public async Task PutAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", IsolatedEnvironment.AdminKey);
        using var response = await ingestion.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    public Task PutIntegrationAsync(string id, object integration) => PutAsync($"v1/integrations/{id}", integration);

    public Task PutSourceKeyAsync(string source, string key, params string[] accounts) =>
        PutAsync($"v1/source-keys/{source}", new { key, accounts });

    /// <summary>Registers a source's API key for the accounts and sends it on the ingestion client from then on.</summary>
    public async Task UseSourceKeyAsync(string source, string key, params string[] accounts)
    {
        await PutSourceKeyAsync(source, key, accounts);
        ingestion.DefaultRequestHeaders.Add("X-Api-Key", key);
    }
}
