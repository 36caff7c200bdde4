using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Ingestion and Disposition in the test process on one broker vhost and database, with named admin keys from a keys
/// file (viewer, operator, a viewer of account <c>acme</c>) beside the environment's admin key, two sources on account
/// <c>acme</c> and two push integrations of different accounts.
/// </summary>
public sealed class SecurityPlatform : TestPlatform
{
    public const string ViewerKey = "viewer-key-0123456789abcdefghij";
    public const string OperatorKey = "operator-key-0123456789abcdefghij";
    public const string AcmeViewerKey = "acme-viewer-key-0123456789abcdefgh";
    public const string BetaViewerKey = "beta-viewer-key-0123456789abcdefgh";
    public const string RoobrikKey = "roobrik-source-key-0123456789";
    public const string VendorKey = "vendor-source-key-0123456789";
    public const string AcmeSecret = "whsec-acme-0123456789abcdef";
    public const string BetaSecret = "whsec-beta-0123456789abcdef";

    private SecurityPlatform(TestPlatform started, string keysFile) : base(started) => KeysFile = keysFile;

    public string KeysFile { get; }

    public static async Task<SecurityPlatform> StartAsync(string purpose)
    {
        var keysFile = Path.Combine(Directory.CreateTempSubdirectory("lp-admin-keys-").FullName, "admin-keys.json");
        await WriteKeysAsync(keysFile, new Dictionary<string, object>
        {
            ["viewer"] = new { key = ViewerKey, role = "viewer" },
            ["operator"] = new { key = OperatorKey, role = "operator" },
            ["acme-viewer"] = new { key = AcmeViewerKey, role = "viewer", accountId = "acme" },
            ["beta-viewer"] = new { key = BetaViewerKey, role = "viewer", accountId = "beta" },
        });
        var started = await Create(purpose)
            .WithSettings(new Dictionary<string, string?> { ["Admin:KeysFile"] = keysFile })
            .WithIngestion()
            .WithDisposition(s => s.Set("Disposition:IngestionUrl", p => p.Ingestion.BaseAddress.ToString()))
            .StartAsync();
        var platform = new SecurityPlatform(started, keysFile);
        await platform.PutSourceKeyAsync("roobrik", RoobrikKey, "acme");
        await platform.PutSourceKeyAsync("vendor", VendorKey, "acme");
        var store = platform.Disposition.Services.GetRequiredService<IntegrationStore>();
        foreach (var (id, account, secret) in new[] { ("acme-push", "acme", AcmeSecret), ("beta-push", "beta", BetaSecret) })
        {
            await store.UpsertAsync(new Integration
            {
                Id = id, AccountId = account, Crm = "salesforce", Endpoint = "http://127.0.0.1:9/",
                Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
                Credentials = new Dictionary<string, string> { ["webhookSecret"] = secret },
            });
        }
        return platform;
    }

    /// <summary>Rewrites the keys file (the services read it again when it changes).</summary>
    public static Task WriteKeysAsync(string path, IDictionary<string, object> keys) =>
        File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(new { Admin = new { Keys = keys } }))
            .ContinueWith(_ => File.Move(path + ".tmp", path, overwrite: true), TaskScheduler.Default);

    public static Dictionary<string, object?> Lead(string source, string accountId = "acme") => new()
    {
        ["source"] = source,
        ["sourceLeadId"] = Guid.NewGuid().ToString("N"),
        ["accountId"] = accountId,
        ["conversion"] = "sales-opt-in",
        ["occurredAt"] = DateTimeOffset.UtcNow,
        ["prospect"] = new { firstName = "Edith", lastName = "Clark", email = "edith.secret@example.com", phone = "555-0100" },
    };

    /// <summary>Submits a lead with a source key and waits until the disposition service knows it (its timeline exists).</summary>
    public async Task<Guid> SubmitAsync(string sourceKey, string source)
    {
        using var client = ClientWithKey(sourceKey);
        using var response = await client.PostAsJsonAsync("v1/leads", Lead(source));
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        var leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        await Eventually.UntilAsync(async () =>
        {
            using var timeline = await GetAsync(Disposition, $"v1/leads/{leadId}/timeline", admin: IsolatedEnvironment.AdminKey);
            return timeline.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(20), $"lead {leadId} on the disposition service");
        return leadId;
    }

    public static async Task<HttpResponseMessage> GetAsync(InProcessService service, string path, string? admin = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Headers(request, admin, apiKey);
        return await service.Client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> SendAsync(InProcessService service, HttpMethod method, string path, object? body, string? admin = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        Headers(request, admin, apiKey);
        return await service.Client.SendAsync(request);
    }

    private static void Headers(HttpRequestMessage request, string? admin, string? apiKey)
    {
        if (admin is not null)
        {
            request.Headers.Add("X-Admin-Key", admin);
        }
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }
    }

    public async Task<HttpResponseMessage> PushAsync(string integrationId, object payload, string secret)
    {
        var body = JsonSerializer.Serialize(payload, JsonDefaults.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/dispositions/{integrationId}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        return await Disposition.Client.SendAsync(request);
    }

    /// <summary>Everything a request could have changed: leads, outbox rows, integrations, timeline rows, statuses, source keys.</summary>
    public async Task<(long Leads, long Outbox, long Integrations, long Timeline, long WithStatus, long SourceKeys)> StateAsync()
    {
        await using var dataSource = Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, long, long, long, long)>("""
            select (select count(*) from ingestion.lead), (select count(*) from ingestion.outbox),
                   (select count(*) from integrations.integration), (select count(*) from disposition.timeline),
                   (select count(*) from disposition.lead where status is not null), (select count(*) from ingestion.source_key)
            """);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(KeysFile)!, recursive: true);
    }
}
