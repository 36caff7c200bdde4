using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.IntegrationTests.Updates;

/// <summary>
/// Ingestion, the HubSpot and Salesforce connectors and the CRM sandbox (<see cref="TestPlatform"/>). The connectors take
/// one message at a time, so messages on their queue are handled in order and a later message shows the earlier ones
/// were handled.
/// </summary>
public sealed class UpdatesPlatform : TestPlatform
{
    public const string SourceKey = "updates-chatbot-key";

    private UpdatesPlatform(TestPlatform started, NpgsqlDataSource database) : base(started) => Database = database;

    public NpgsqlDataSource Database { get; }

    public static async Task<UpdatesPlatform> StartAsync(string purpose)
    {
        static void OneAtATime(ServiceSetup s) => s.Set("Connector:RequestTimeout", "00:00:05")
            .Set("Connector:ConcurrentMessageLimit", "1").Set("Connector:PrefetchCount", "1");
        var started = await Create(purpose)
            .WithSandbox()
            .WithIngestion()
            .WithConnector(Crm.HubSpot, OneAtATime)
            .WithConnector(Crm.Salesforce, OneAtATime)
            .StartAsync();
        var platform = new UpdatesPlatform(started, started.Own(started.Environment.CreateDataSource()));
        await platform.UseSourceKeyAsync("chatbot", SourceKey, "*");
        return platform;
    }

    /// <summary>A HubSpot integration of account <paramref name="id"/>, pointed at the sandbox.</summary>
    public Task PutHubSpotIntegrationAsync(string id, object settings) => PutSandboxIntegrationAsync(id, id, Crm.HubSpot, settings);

    public Task PutSalesforceIntegrationAsync(string id, object settings) => PutSandboxIntegrationAsync(id, id, Crm.Salesforce, settings);

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
        var delivery = await FinishedDeliveryAsync(leadId, within ?? TimeSpan.FromSeconds(30));
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
}
