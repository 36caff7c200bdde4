using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Issue 16, hole 6, on a database from before the fix: leads stored under sources differing only in case are all kept
/// by the migration (the later ones marked as case duplicates of the first), and a new repeat matches the first.
/// </summary>
[TestFixture, Category("Security")]
public class InputSourceCaseMigrationSpecs
{
    [Test]
    public async Task Existing_case_duplicates_are_kept_and_a_new_repeat_is_answered_as_the_first_lead()
    {
        var environment = await IsolatedEnvironment.CreateAsync("sourcecase");
        var host = new IngestionHost { Environment = environment, Tap = new BrokerTap(environment.Name) };
        await using var _ = host;
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        await using (var dataSource = environment.CreateDataSource())
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            // The ingestion schema as it was before the fix, journaled as applied (as MigrationRunner records it).
            await connection.ExecuteAsync("""
                create table public.schema_journal (module text not null, script text not null,
                    applied_at timestamptz not null default now(), primary key (module, script))
                """);
            foreach (var script in new[] { "0001_leads_and_outbox.sql", "0002_source_keys_and_program_rules.sql", "0003_idempotency_key_per_source.sql", "0004_lead_update_version.sql" })
            {
                await connection.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "services/Ingestion/Migrations", script)));
                await connection.ExecuteAsync("insert into public.schema_journal (module, script) values ('ingestion', @script)", new { script });
            }
            const string insert = """
                insert into ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, idempotency_key, body_hash, accepted_at)
                values (@id, @source, 'legacy-1', 'acme-senior', 'sales-opt-in', '{}', @key, 'h', @at)
                """;
            await connection.ExecuteAsync(insert, new { id = first, source = "roobrik", key = "k-1", at = DateTimeOffset.UtcNow.AddDays(-2) });
            await connection.ExecuteAsync(insert, new { id = second, source = "Roobrik", key = "k-1", at = DateTimeOffset.UtcNow.AddDays(-1) });
        }
        await host.Tap.BindAsync(IngestionHost.LeadConvertedExchange, IngestionHost.TapQueue);
        await host.AddInstanceAsync();
        await host.PutSourceKeyAsync("roobrik", "roobrik-key-0123456789", "acme-senior");
        await host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        using var client = host.ClientWithKey("roobrik-key-0123456789");

        using var repeat = await client.PostAsJsonAsync("v1/leads", new
        {
            source = "ROOBRIK", sourceLeadId = "legacy-1", accountId = "acme-senior", conversion = "sales-opt-in", prospect = new { lastName = "Clark" },
        });

        Assert.That(repeat.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await repeat.Content.ReadAsStringAsync());
        var answer = await repeat.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("leadId").GetGuid(), Is.EqualTo(first));
        await using var check = environment.CreateDataSource();
        await using var db = await check.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(Guid Id, Guid? DuplicateOf)>("select id, case_duplicate_of from ingestion.lead order by accepted_at")).ToList();
        Assert.That(rows, Is.EqualTo(new[] { (first, (Guid?)null), (second, (Guid?)first) }));
    }
}
