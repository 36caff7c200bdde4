using Dapper;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.IntegrationTests.Foundation;

/// <summary>
/// Issue 22: autovacuum's ANALYZE of the hot tables stalled the 1,000/s p99. After the migrations, the queue tables
/// (outbox, ledger) are analyzed from a 3,000-row sample, and no hot table builds statistics on its jsonb, while the
/// lead search's columns keep the default sample. ANALYZE samples 300 rows per unit of a table's largest target.
/// </summary>
[TestFixture]
public class HotTableStatisticsSpecs
{
    private const int Rows = 5_000;

    [Test]
    public async Task The_queue_tables_are_analyzed_from_a_small_sample_and_no_hot_table_builds_statistics_on_its_jsonb()
    {
        await using var platform = await TestPlatform.Create("stats")
            .WithIngestion()
            .WithConnector(Crm.Enquire)
            .StartAsync();
        await using var dataSource = platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await FillAsync(connection);

        Assert.That(await SampledRowsAsync(connection, "ingestion.outbox"), Is.EqualTo(3_000));
        Assert.That(await SampledRowsAsync(connection, "delivery.ledger"), Is.EqualTo(3_000));
        Assert.That(await SampledRowsAsync(connection, "ingestion.lead"), Is.EqualTo(Rows), "the lead search's statistics");
        await connection.ExecuteAsync("analyze ingestion.lead_delivery");
        const string analyzed = """
            select schemaname || '.' || tablename || '.' || attname from pg_stats
            where (schemaname, tablename) in (('ingestion', 'lead'), ('ingestion', 'lead_delivery'), ('ingestion', 'outbox'),
                ('delivery', 'ledger'), ('ingestion', 'lead_prospect_email'))
            """;
        var columns = (await connection.QueryAsync<string>(analyzed)).ToList();
        Assert.That(columns, Does.Contain("ingestion.lead.status").And.Contain("delivery.ledger.state"));
        Assert.That(columns, Does.Contain("ingestion.lead_prospect_email.lower"), "the email search's own statistics");
        Assert.That(columns, Has.None.AnyOf("ingestion.lead.payload", "ingestion.lead_delivery.record_ids",
            "ingestion.outbox.payload", "delivery.ledger.message", "delivery.ledger.record_ids"));
    }

    /// <summary>Rows no service acts on: leads of an account without integrations, published outbox rows, finished
    /// deliveries whose outcome is already published.</summary>
    private static async Task FillAsync(NpgsqlConnection connection)
    {
        await connection.ExecuteAsync("""
            insert into ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, body_hash, status)
            select gen_random_uuid(), 'stats', 's-' || i, 'stats-account', 'sales-opt-in',
                   jsonb_build_object('prospect', jsonb_build_object('email', 'p' || i || '@example.test')), 'h', 'Pending'
            from generate_series(1, @rows) i;
            insert into ingestion.lead_delivery (lead_id, integration_id, crm, state, record_ids)
            select id, 'stats-enquire', 'enquire', 'delivered', '{"id": "1"}' from ingestion.lead where source = 'stats';
            insert into ingestion.outbox (message_id, message_type, payload, published_at)
            select gen_random_uuid(), 'stats', '{"leadId": "x"}', now() from generate_series(1, @rows);
            insert into delivery.ledger (lead_id, integration_id, crm, state, record_ids, message, finished_at, outcome_published_at)
            select id, 'stats-enquire', 'stats-crm', 'delivered', '{"id": "1"}', '{}', now(), now()
            from ingestion.lead where source = 'stats';
            """, new { rows = Rows });
    }

    private static async Task<int> SampledRowsAsync(NpgsqlConnection connection, string table)
    {
        var notices = new List<string>();
        void Collect(object sender, NpgsqlNoticeEventArgs e) => notices.Add(e.Notice.MessageText);
        connection.Notice += Collect;
        try
        {
            await connection.ExecuteAsync($"analyze verbose {table}");
        }
        finally
        {
            connection.Notice -= Collect;
        }
        // e.g. "ledger": scanned 40 of 40 pages, containing 5000 live rows and 0 dead rows; 3000 rows in sample, ...
        var line = notices.Single(n => n.Contains(" rows in sample", StringComparison.Ordinal));
        var sample = line[(line.IndexOf("; ", StringComparison.Ordinal) + 2)..].Split(' ')[0];
        return int.Parse(sample, System.Globalization.CultureInfo.InvariantCulture);
    }
}
