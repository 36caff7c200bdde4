using System.Diagnostics;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace LeadPlatform.Bench;

/// <summary>
/// Stores N leads with the history a running platform would have for them, fast: binary COPY into
/// <c>ingestion.lead</c>, <c>ingestion.lead_delivery</c>, <c>delivery.ledger</c> and <c>ingestion.outbox</c>, copied
/// from a real lead of this run (its payload, its ledger message, its outbox row) with ids, accounts and times of its
/// own. The leads are spread over <see cref="History"/>; as with the default retention (7 days) only the last 7 days
/// keep their outbox rows and full ledger messages, older ledger rows are purged as the sweep leaves them, and 1 in 50
/// deliveries failed. Full (non-partial) secondary indexes and the lead_delivery foreign key are dropped for the load
/// and rebuilt after it, then the tables are vacuumed and analysed, as a database that grew over weeks would be.
/// </summary>
public static class Preload
{
    public static readonly TimeSpan History = TimeSpan.FromDays(30);
    private static readonly TimeSpan Retention = new LeadPlatform.ServiceDefaults.RetentionOptions().PublishedOutbox;
    private const int Chunk = 500_000;
    private static readonly string[] Tables = ["ingestion.lead", "ingestion.lead_delivery", "ingestion.outbox", "delivery.ledger"];

    /// <summary>Seconds it took.</summary>
    public static async Task<double> RunAsync(NpgsqlDataSource db, long count)
    {
        var clock = Stopwatch.StartNew();
        var template = await LeadTemplate.ReadAsync(db);
        var end = DateTimeOffset.UtcNow.AddHours(-1);
        var start = end - History;
        var rebuild = await DropForLoadAsync(db);
        Console.Error.WriteLine($"preload: {count:N0} leads, dropped {rebuild.Count} indexes/constraints for the load");
        await Task.WhenAll(
            Task.Run(async () =>
            {
                await CopyAsync(db, count, "lead", LeadColumns, (w, i) => WriteLead(w, template, Row(i, count, start)));
                await CopyAsync(db, count, "lead_delivery", DeliveryColumns, (w, i) => WriteDelivery(w, template, Row(i, count, start)));
            }),
            Task.Run(async () =>
            {
                await CopyAsync(db, count, "ledger", LedgerColumns, (w, i) => WriteLedger(w, template, Row(i, count, start), end));
                var firstRecent = (long)Math.Ceiling(count * (1 - Retention / History));
                await CopyAsync(db, count - firstRecent, "outbox", OutboxColumns, (w, i) => WriteOutbox(w, template, Row(firstRecent + i, count, start)));
            }));
        Console.Error.WriteLine($"preload: copied in {clock.Elapsed.TotalSeconds:0} s; rebuilding indexes");
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("set maintenance_work_mem = '256MB'");
            foreach (var statement in rebuild)
            {
                await connection.ExecuteAsync(statement, commandTimeout: 0);
            }
            foreach (var table in Tables)
            {
                await connection.ExecuteAsync($"vacuum (analyze) {table}", commandTimeout: 0);
            }
        }
        // The load and the index builds leave gigabytes of WAL behind them: without this the first phase after it ran
        // beside back-to-back checkpoints ("checkpoints are occurring too frequently"), which a database that grew over
        // weeks never has (2026-12-03: POST p99 at 250/s 155 ms against 16 ms empty, the later phases not slower).
        await Checkpoint.RunAsync(db, "after the load: the warm-up after it gives the pending checkpoints time");
        return clock.Elapsed.TotalSeconds;
    }

    private sealed record PreloadRow(long Index, Guid Id, DateTimeOffset AcceptedAt, string SourceLeadId, string Account, string Integration, bool Failed);

    private static PreloadRow Row(long i, long count, DateTimeOffset start)
    {
        var at = start + History * ((double)i / count);
        var account = (i % 1000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        return new PreloadRow(i, LeadId(at, i), at, $"preload-{i:D10}", "preload-account-" + account, "preload-enquire-" + account, i % 50 == 49);
    }

    /// <summary>A UUIDv7 of the acceptance time, as intake makes them, but the same for the same row in every table.</summary>
    private static Guid LeadId(DateTimeOffset at, long i) =>
        Guid.ParseExact(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds():x12}70008{i:x15}"), "N");

    /// <summary>Drops what makes a bulk load slow and returns the statements that put it back.</summary>
    private static async Task<List<string>> DropForLoadAsync(NpgsqlDataSource db)
    {
        // Partial indexes stay: preloaded rows are finished and published, so most never enter them, and the services'
        // pollers keep using them during the load.
        const string sql = """
            select format('drop index %I.%I', schemaname, indexname) as Drop, indexdef as Create
              from pg_indexes
             where format('%s.%s', schemaname, tablename) = any(@tables) and indexdef not like '% WHERE %'
               and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', schemaname, indexname)::regclass)
            union all
            select format('alter table %s drop constraint %I', conrelid::regclass, conname),
                   format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
              from pg_constraint where contype = 'f' and conrelid = 'ingestion.lead_delivery'::regclass
            """;
        await using var connection = await db.OpenConnectionAsync();
        var statements = (await connection.QueryAsync<(string Drop, string Create)>(sql, new { tables = Tables })).ToList();
        foreach (var (drop, _) in statements)
        {
            await connection.ExecuteAsync(drop);
        }
        return statements.Select(s => s.Create).ToList();
    }

    private static async Task CopyAsync(NpgsqlDataSource db, long rows, string what, string copy, Action<NpgsqlBinaryImporter, long> write)
    {
        for (long from = 0; from < rows; from += Chunk)
        {
            await using var connection = await db.OpenConnectionAsync();
            await using (var importer = await connection.BeginBinaryImportAsync(copy))
            {
                for (var i = from; i < Math.Min(rows, from + Chunk); i++)
                {
                    importer.StartRow();
                    write(importer, i);
                }
                await importer.CompleteAsync();
            }
            Console.Error.WriteLine($"preload: {what} {Math.Min(rows, from + Chunk):N0} of {rows:N0}");
        }
    }

    private const string LeadColumns =
        "copy ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, body_hash, status, accepted_at) from stdin (format binary)";

    private static readonly string[] Statuses = ["Pending", "Working", "Sold", "Lost"];

    private static void WriteLead(NpgsqlBinaryImporter w, LeadTemplate t, PreloadRow r)
    {
        w.Write(r.Id, NpgsqlDbType.Uuid);
        w.Write(t.Source, NpgsqlDbType.Text);
        w.Write(r.SourceLeadId, NpgsqlDbType.Text);
        w.Write(r.Account, NpgsqlDbType.Text);
        w.Write(t.Conversion, NpgsqlDbType.Text);
        w.Write(t.Render(t.Payload, r), NpgsqlDbType.Jsonb);
        w.Write(r.Id.ToString("N") + r.Id.ToString("N"), NpgsqlDbType.Text);
        w.Write(Statuses[r.Index % Statuses.Length], NpgsqlDbType.Text);
        w.Write(r.AcceptedAt, NpgsqlDbType.TimestampTz);
    }

    private const string DeliveryColumns =
        "copy ingestion.lead_delivery (lead_id, integration_id, crm, state, attempts, record_ids, last_error, updated_at, failed_at, outcome) from stdin (format binary)";

    private static void WriteDelivery(NpgsqlBinaryImporter w, LeadTemplate t, PreloadRow r)
    {
        var finished = r.AcceptedAt.AddMilliseconds(20);
        w.Write(r.Id, NpgsqlDbType.Uuid);
        w.Write(r.Integration, NpgsqlDbType.Text);
        w.Write(t.Crm, NpgsqlDbType.Text);
        w.Write(r.Failed ? "failed" : "delivered", NpgsqlDbType.Text);
        w.Write(r.Failed ? 5 : 1, NpgsqlDbType.Integer);
        WriteOrNull(w, r.Failed ? null : t.DeliveryRecordIds, NpgsqlDbType.Jsonb);
        WriteOrNull(w, r.Failed ? "preloaded failure" : null, NpgsqlDbType.Text);
        w.Write(finished, NpgsqlDbType.TimestampTz);
        if (r.Failed)
        {
            w.Write(finished, NpgsqlDbType.TimestampTz);
        }
        else
        {
            w.WriteNull();
        }
        WriteOrNull(w, r.Failed ? null : t.DeliveryOutcome, NpgsqlDbType.Text);
    }

    private const string LedgerColumns =
        "copy delivery.ledger (lead_id, integration_id, crm, state, attempts, record_ids, outcome, last_error, message, trace_parent, created_at, updated_at, finished_at, outcome_published_at, permanent, purged_at) from stdin (format binary)";

    private static void WriteLedger(NpgsqlBinaryImporter w, LeadTemplate t, PreloadRow r, DateTimeOffset end)
    {
        var finished = r.AcceptedAt.AddMilliseconds(20);
        var purged = finished + Retention < end;
        w.Write(r.Id, NpgsqlDbType.Uuid);
        w.Write(r.Integration, NpgsqlDbType.Text);
        w.Write(t.Crm, NpgsqlDbType.Text);
        w.Write(r.Failed ? "failed" : "delivered", NpgsqlDbType.Text);
        w.Write(r.Failed ? 5 : 1, NpgsqlDbType.Integer);
        WriteOrNull(w, r.Failed ? null : t.LedgerRecordIds, NpgsqlDbType.Jsonb);
        WriteOrNull(w, r.Failed ? null : t.LedgerOutcome, NpgsqlDbType.Text);
        WriteOrNull(w, r.Failed ? "preloaded failure" : null, NpgsqlDbType.Text);
        w.Write(purged
            ? $$"""{"leadId": "{{r.Id}}", "acceptedAt": "{{r.AcceptedAt:O}}", "lead": {}, "deliveries": []}"""
            : t.Render(t.Message, r), NpgsqlDbType.Jsonb);
        WriteOrNull(w, t.TraceParent, NpgsqlDbType.Text);
        w.Write(r.AcceptedAt.AddMilliseconds(10), NpgsqlDbType.TimestampTz);
        w.Write(finished, NpgsqlDbType.TimestampTz);
        w.Write(finished, NpgsqlDbType.TimestampTz);
        w.Write(finished.AddMilliseconds(100), NpgsqlDbType.TimestampTz);
        if (r.Failed)
        {
            w.Write(false, NpgsqlDbType.Boolean); // retries ran out, not refused by the CRM
        }
        else
        {
            w.WriteNull();
        }
        if (purged)
        {
            w.Write(finished + Retention, NpgsqlDbType.TimestampTz);
        }
        else
        {
            w.WriteNull();
        }
    }

    private const string OutboxColumns =
        "copy ingestion.outbox (message_id, message_type, payload, trace_parent, created_at, published_at) from stdin (format binary)";

    private static void WriteOutbox(NpgsqlBinaryImporter w, LeadTemplate t, PreloadRow r)
    {
        w.Write(Guid.CreateVersion7(r.AcceptedAt), NpgsqlDbType.Uuid);
        w.Write("LeadConverted", NpgsqlDbType.Text);
        w.Write(t.Render(t.OutboxPayload, r), NpgsqlDbType.Jsonb);
        WriteOrNull(w, t.TraceParent, NpgsqlDbType.Text);
        w.Write(r.AcceptedAt, NpgsqlDbType.TimestampTz);
        w.Write(r.AcceptedAt.AddMilliseconds(5), NpgsqlDbType.TimestampTz);
    }

    private static void WriteOrNull<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            w.WriteNull();
        }
        else
        {
            w.Write(value, type);
        }
    }

    /// <summary>A delivered lead of this run, whose rows every preloaded lead copies with its own ids.</summary>
    private sealed class LeadTemplate
    {
        public string Id { get; init; } = "";
        public string SourceLeadId { get; init; } = "";
        public string Source { get; init; } = "";
        public string Conversion { get; init; } = "";
        public string Payload { get; init; } = "";
        public string Crm { get; init; } = "";
        public string? DeliveryRecordIds { get; init; }
        public string? DeliveryOutcome { get; init; }
        public string? LedgerRecordIds { get; init; }
        public string? LedgerOutcome { get; init; }
        public string Message { get; init; } = "";
        public string? TraceParent { get; init; }
        public string OutboxPayload { get; init; } = "";

        public string Render(string json, PreloadRow r) => json
            .Replace(Id, r.Id.ToString(), StringComparison.Ordinal)
            .Replace(SourceLeadId, r.SourceLeadId, StringComparison.Ordinal)
            .Replace(BenchPlatform.IntegrationId, r.Integration, StringComparison.Ordinal)
            .Replace(BenchPlatform.AccountId, r.Account, StringComparison.Ordinal);

        public static async Task<LeadTemplate> ReadAsync(NpgsqlDataSource db)
        {
            const string sql = """
                select l.id::text as Id, l.source_lead_id as SourceLeadId, l.source as Source, l.conversion as Conversion, l.payload::text as Payload,
                       d.crm as Crm, ld.record_ids::text as DeliveryRecordIds, ld.outcome as DeliveryOutcome,
                       d.record_ids::text as LedgerRecordIds, d.outcome as LedgerOutcome, d.message::text as Message, d.trace_parent as TraceParent,
                       o.payload::text as OutboxPayload
                  from ingestion.outbox o
                  join ingestion.lead l on l.id = (o.payload->>'leadId')::uuid
                  join ingestion.lead_delivery ld on ld.lead_id = l.id
                  join delivery.ledger d on d.lead_id = l.id and d.state = 'delivered'
                 where o.id > (select max(id) - 1000 from ingestion.outbox) and o.message_type = 'LeadConverted' and ld.state = 'delivered'
                 order by o.id desc
                 limit 1
                """;
            await using var connection = await db.OpenConnectionAsync();
            return await connection.QuerySingleOrDefaultAsync<LeadTemplate>(sql)
                ?? throw new InvalidOperationException("no delivered lead of this run to copy for the preload");
        }
    }
}
