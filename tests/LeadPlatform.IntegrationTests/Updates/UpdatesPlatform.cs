using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Ingestion;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.IntegrationTests.Updates;

/// <summary>
/// Ingestion, the HubSpot and Salesforce connectors and the CRM sandbox in the test process, on a RabbitMQ virtual host and a
/// database of their own. The connector takes one message at a time, so messages on its queue are handled in
/// order and a later message shows the earlier ones were handled.
/// </summary>
public sealed class UpdatesPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;
    public const string SourceKey = "updates-chatbot-key";

    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService HubSpot { get; init; }
    public required InProcessService Salesforce { get; init; }
    public required NpgsqlDataSource Database { get; init; }
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static async Task<UpdatesPlatform> StartAsync(string purpose)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;
        var sandbox = await InProcessService.StartAsync("sandbox-updates", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync("ingestion-updates", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(config)
        {
            ["Connector:RequestTimeout"] = "00:00:05",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:RetryPollInterval"] = "00:00:00.500",
            ["Connector:Lease"] = "00:00:10",
            ["Connector:ConcurrentMessageLimit"] = "1",
            ["Connector:PrefetchCount"] = "1",
        };
        var hubspot = await InProcessService.StartAsync("connector-hubspot-updates", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddHubSpotConnector(); },
            a => a.MapDefaultEndpoints());
        var salesforce = await InProcessService.StartAsync("connector-salesforce-updates", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddSalesforceConnector(); },
            a => a.MapDefaultEndpoints());
        var platform = new UpdatesPlatform
        {
            Environment = environment, Sandbox = sandbox, Ingestion = ingestion, HubSpot = hubspot, Salesforce = salesforce,
            Database = environment.CreateDataSource(),
        };
        foreach (var service in new[] { sandbox, ingestion, hubspot, salesforce })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        await platform.AdminPutAsync("v1/source-keys/chatbot", new { key = SourceKey, accounts = new[] { "*" } });
        ingestion.Client.DefaultRequestHeaders.Add("X-Api-Key", SourceKey);
        return platform;
    }

    public Task PutHubSpotIntegrationAsync(string id, object settings) =>
        AdminPutAsync($"v1/integrations/{id}", new
        {
            accountId = id,
            crm = "hubspot",
            endpoint = Sandbox.BaseAddress.ToString(),
            credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" },
            settings,
        });

    public Task PutSalesforceIntegrationAsync(string id, object settings) =>
        AdminPutAsync($"v1/integrations/{id}", new
        {
            accountId = id,
            crm = "salesforce",
            endpoint = Sandbox.BaseAddress.ToString(),
            credentials = new Dictionary<string, string>
            {
                ["clientId"] = "sandbox-sf-client",
                ["clientSecret"] = "sandbox-sf-secret",
                ["refreshToken"] = "sandbox-sf-refresh-token",
            },
            settings,
        });

    private async Task AdminPutAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a lead; returns the answer's body (leadId, duplicate, deliveries).</summary>
    public async Task<JsonElement> PostLeadAsync(object lead)
    {
        using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> PatchLeadAsync(string leadId, string mergePatch) =>
        await Ingestion.Client.PatchAsync($"v1/leads/{leadId}", new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json"));

    /// <summary>The HubSpot contact the lead's single delivery made, once delivered.</summary>
    public Task<SandboxClient.Record> DeliveredContactAsync(string leadId, TimeSpan? within = null) =>
        DeliveredRecordAsync(leadId, "hubspot", "contact", within);

    /// <summary>The CRM record (of <paramref name="kind"/>) the lead's single delivery made, once delivered.</summary>
    public async Task<SandboxClient.Record> DeliveredRecordAsync(string leadId, string crm, string kind, TimeSpan? within = null)
    {
        var lead = await Eventually.UntilAsync(
            () => Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() is "delivered" or "failed"),
            within ?? TimeSpan.FromSeconds(30), $"the delivery of lead {leadId} to finish");
        var delivery = lead.GetProperty("deliveries")[0];
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        return await RecordAsync(crm, kind, delivery.GetProperty("recordIds").GetProperty(kind).GetString()!);
    }

    public async Task<SandboxClient.Record> RecordAsync(string crm, string kind, string id) =>
        (await SandboxApi.RecordsAsync(crm, kind)).Single(r => r.Id == id);

    public async Task<SandboxClient.Record> ContactAsync(string id) =>
        (await SandboxApi.RecordsAsync("hubspot", "contact")).Single(r => r.Id == id);

    public sealed record LedgerRow
    {
        public string State { get; init; } = "";
        public int UpdateVersion { get; init; }
        public DateTime? BatchedFor { get; init; }
        public DateTime? FinishedAt { get; init; }
    }

    public async Task<LedgerRow?> LedgerAsync(string leadId)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<LedgerRow>("""
            select state, update_version as UpdateVersion, batched_for as BatchedFor, finished_at as FinishedAt
              from delivery.ledger where lead_id = @leadId
            """, new { leadId = Guid.Parse(leadId) });
    }

    /// <summary>The connector has taken in update <paramref name="version"/> of the lead (applied or refused by policy).</summary>
    public Task WaitForUpdateAsync(string leadId, int version) =>
        Eventually.UntilAsync(() => LedgerAsync(leadId), row => row is not null && row.UpdateVersion >= version,
            TimeSpan.FromSeconds(30), $"update {version} of lead {leadId} to be taken in");

    /// <summary>Sends a published LeadUpdated of the lead once more, through the outbox, as a broker redelivery would.</summary>
    public async Task RepublishUpdateAsync(string leadId, int version)
    {
        await using var connection = await Database.OpenConnectionAsync();
        var copied = await connection.ExecuteAsync("""
            insert into ingestion.outbox (message_id, message_type, payload)
            select gen_random_uuid(), message_type, payload from ingestion.outbox
             where message_type = 'LeadUpdated' and payload->>'leadId' = @leadId and (payload->>'version')::int = @version
            """, new { leadId, version });
        Assert.That(copied, Is.EqualTo(1), $"update {version} of lead {leadId} in the outbox");
        await Eventually.UntilAsync(
            async () => await connection.ExecuteScalarAsync<long>("select count(*) from ingestion.outbox where published_at is null") == 0,
            TimeSpan.FromSeconds(20), "the outbox to be published");
    }

    public async ValueTask DisposeAsync()
    {
        await Salesforce.DisposeAsync();
        await HubSpot.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Database.DisposeAsync();
        await Environment.DisposeAsync();
    }
}
