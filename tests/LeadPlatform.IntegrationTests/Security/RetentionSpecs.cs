using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Ingestion.Privacy;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Hole 5, retention: published outbox rows and finished ledger messages do not keep the lead forever. The connector
/// runs with a two-second <c>Retention:FinishedLedger</c> (its periodic sweep does the work); the outbox keeps the
/// default seven days, so rows are backdated.
/// </summary>
[TestFixture]
[Category("Security")]
public class RetentionSpecs
{
    private InProcessPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await InProcessPlatform.StartAsync("retention", new Dictionary<string, string?>
        {
            ["Retention:FinishedLedger"] = "00:00:02",
            ["Retention:Interval"] = "00:00:01",
        });
        await _platform.PutEnquireIntegrationAsync("keep-enquire", "keep-senior");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private async Task<Guid> SubmitAsync(string email)
    {
        using var posted = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = email, accountId = "keep-senior", conversion = "sales-opt-in",
            prospect = new { firstName = "Reta", lastName = "Tention", email },
        });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
        return (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    private async Task<T> QueryAsync<T>(string sql, object? args = null)
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<T>(sql, args) ?? default!;
    }

    [Test]
    public async Task Published_outbox_rows_older_than_the_period_are_deleted_by_one_instance_at_a_time()
    {
        var old = await SubmitAsync($"old-{Guid.NewGuid():N}@example.com");
        var recent = await SubmitAsync($"recent-{Guid.NewGuid():N}@example.com");
        const string published = "select count(*) from ingestion.outbox where payload->>'leadId' = @id and published_at is not null";
        foreach (var id in new[] { old, recent })
        {
            await Eventually.UntilAsync(async () => await QueryAsync<long>(published, new { id = id.ToString() }) == 1,
                TimeSpan.FromSeconds(15), "the outbox row to be published");
        }
        await using (var dataSource = _platform.Environment.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update ingestion.outbox set published_at = now() - interval '8 days' where payload->>'leadId' = @id",
                new { id = old.ToString() });
        }
        var sweep = _platform.Ingestion.Services.GetRequiredService<OutboxRetention>();

        // Another instance holds the sweep: this one skips its turn and purges nothing.
        await using (var dataSource = _platform.Environment.CreateDataSource())
        await using (var other = await dataSource.OpenConnectionAsync())
        await using (var tx = await other.BeginTransactionAsync())
        {
            await other.ExecuteAsync("select pg_advisory_xact_lock(@key)", new { key = OutboxRetention.Lock }, tx);
            Assert.That(await sweep.SweepAsync(CancellationToken.None), Is.Null);
            Assert.That(await QueryAsync<long>("select count(*) from ingestion.outbox where payload->>'leadId' = @id", new { id = old.ToString() }), Is.EqualTo(1));
        }

        Assert.That(await sweep.SweepAsync(CancellationToken.None), Is.GreaterThanOrEqualTo(1));
        Assert.That(await QueryAsync<long>("select count(*) from ingestion.outbox where payload->>'leadId' = @id", new { id = old.ToString() }), Is.Zero,
            "published 8 days ago, past the default 7");
        Assert.That(await QueryAsync<long>("select count(*) from ingestion.outbox where payload->>'leadId' = @id", new { id = recent.ToString() }), Is.EqualTo(1),
            "published just now");
    }

    [Test]
    public async Task A_finished_ledger_message_loses_its_lead_after_the_period_and_the_row_stays()
    {
        var email = $"ledger-{Guid.NewGuid():N}@example.com";
        var leadId = await SubmitAsync(email);

        var message = await Eventually.UntilAsync(() => QueryAsync<string?>(
                "select message::text from delivery.ledger where lead_id = @leadId and state = 'delivered' and purged_at is not null", new { leadId }),
            m => m is not null, TimeSpan.FromSeconds(30), "the periodic sweep to purge the delivered row");

        Assert.That(message, Does.Not.Contain(email).And.Not.Contain("Tention"));
        Assert.That(JsonDocument.Parse(message!).RootElement.GetProperty("leadId").GetGuid(), Is.EqualTo(leadId));
        Assert.That(await QueryAsync<string?>("select record_ids::text from delivery.ledger where lead_id = @leadId", new { leadId }), Is.Not.Null,
            "the row keeps what was delivered, so a redelivered LeadConverted stays a no-op");
    }
}
