using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>The outbox relay: several instances on one database publish each row once; a broker outage loses nothing.</summary>
[TestFixture]
public class RelaySpecs
{
    private const string ApiKey = "relay-roobrik-key-0001";

    private static object Lead(string sourceLeadId) => new
    {
        source = "roobrik",
        sourceLeadId,
        accountId = "acme-senior",
        conversion = "sales-opt-in",
        prospect = new { lastName = "Clark" },
    };

    private static async Task PrepareAsync(IngestionHost host)
    {
        await host.PutSourceKeyAsync("roobrik", ApiKey, "*");
        await host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
    }

    private static async Task<Guid> PostAsync(HttpClient client, string sourceLeadId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(Lead(sourceLeadId)) };
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    [Test]
    public async Task Two_relays_on_the_same_database_publish_each_row_exactly_once()
    {
        await using var host = await IngestionHost.StartAsync("tworelays", instances: 2);
        await PrepareAsync(host);

        var leadIds = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => PostAsync(host.Instances[i % 2].Client, $"two-relays-{i}")));

        var published = await Eventually.UntilAsync(host.PublishedAsync, all => leadIds.All(id => all.Values.Any(m => m.GetProperty("leadId").GetGuid() == id)),
            TimeSpan.FromSeconds(30), "every lead to be published");
        Assert.That(published.Values.GroupBy(m => m.GetProperty("leadId").GetGuid()).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty);
        Assert.That(published, Has.Count.EqualTo(60));
        await using var dataSource = host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var outbox = await connection.QueryAsync<Guid>("select message_id from ingestion.outbox");
        Assert.That(published.Keys, Is.EquivalentTo(outbox), "each outbox row published under its own message id");
    }

    [Test]
    public async Task A_lead_accepted_while_the_broker_is_away_is_published_when_it_returns()
    {
        await using var proxy = TcpProxy.Start(TestServers.RabbitHost, TestServers.RabbitPort);
        // A short publish bound, so the outage also exercises a relay batch given up and claimed again.
        await using var host = await IngestionHost.StartAsync("brokeroutage", rabbitThrough: proxy,
            settings: new Dictionary<string, string?> { ["Outbox:PublishTimeout"] = "00:00:02" });
        await PrepareAsync(host);
        await host.PublishedForAsync(await PostAsync(host.Ingestion.Client, "before-outage"));

        var givenUpBefore = await LogCountAsync(host, "Outbox relay could not publish");
        proxy.Cut();
        var during = await PostAsync(host.Ingestion.Client, "during-outage");

        await using (var dataSource = host.Environment.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            var committed = await connection.ExecuteScalarAsync<long>(
                "select count(*) from ingestion.lead l join ingestion.outbox o on o.payload->>'leadId' = l.id::text where l.id = @during", new { during });
            Assert.That(committed, Is.EqualTo(1), "202 means the lead and its outbox row are committed");
        }

        await Eventually.UntilAsync(async () => await LogCountAsync(host, "Outbox relay could not publish") > givenUpBefore,
            TimeSpan.FromSeconds(30), "the relay to give up a batch while the broker is away");
        proxy.Restore();
        var published = await host.PublishedForAsync(during, TimeSpan.FromSeconds(90));
        Assert.That(published, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_row_its_instance_never_relayed_is_published_by_the_poll_and_every_row_is_marked()
    {
        await using var host = await IngestionHost.StartAsync("leftover");
        await PrepareAsync(host);
        var relayed = await PostAsync(host.Ingestion.Client, "relayed-at-once");
        await host.PublishedForAsync(relayed);

        // A row committed by an instance that died before handing it to its relay: only the row exists, a minute old.
        var leftover = Guid.CreateVersion7();
        await using var dataSource = host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into ingestion.outbox (message_id, message_type, payload, created_at)
            select gen_random_uuid(), message_type, jsonb_set(payload, '{leadId}', to_jsonb(@leftover::text)), now() - interval '1 minute'
              from ingestion.outbox where payload->>'leadId' = @relayed::text
            """, new { leftover, relayed });

        var published = await host.PublishedForAsync(leftover, TimeSpan.FromSeconds(30));
        Assert.That(published, Has.Count.EqualTo(1));
        await Eventually.UntilAsync(() => connection.ExecuteScalarAsync<long>("select count(*) from ingestion.outbox where published_at is null"),
            unmarked => unmarked == 0, TimeSpan.FromSeconds(10), "both rows to be marked published");
        Assert.That(await host.PublishedForAsync(relayed), Has.Count.EqualTo(1), "the handed-off row was not published again by the poll");
    }

    /// <summary>Occurrences in the instance's log file (which earlier runs appended to as well).</summary>
    private static async Task<int> LogCountAsync(IngestionHost host, string text)
    {
        var log = Path.Combine(RepoPaths.LogDir("in-process"), host.Ingestion.App.Environment.ApplicationName + ".log");
        await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = await reader.ReadToEndAsync();
        return (all.Length - all.Replace(text, "", StringComparison.Ordinal).Length) / text.Length;
    }
}
