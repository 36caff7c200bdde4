using System.Globalization;
using Dapper;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>
/// What PostgreSQL wrote to its WAL per delivered lead over a phase, and the checkpoints that began in it. After a
/// checkpoint begins, the first change to each page writes the whole page (a full-page image), so a phase that
/// overlaps one pays more WAL and CPU per lead than the same phase between checkpoints: this tells the two apart.
/// Cluster-wide: on the bench's box nothing else writes meanwhile. The bytes are the distance the WAL's insert position
/// moved, so they are exact; records and full-page images are pg_stat_wal's counters, which a process adds to when it
/// reports its statistics, and autovacuum's were seen to land outside the window they were written in
/// (<see cref="FullPageImages"/> counts those inside a range). Checkpoints from pg_stat_bgwriter or, from PostgreSQL
/// 17, pg_stat_checkpointer.
/// </summary>
public sealed record WalReport(double KbPerLead, double RecordsPerLead, double FullPageImagesPerLead, long CheckpointsBegun)
{
    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"{KbPerLead:0.0} KB WAL per lead ({RecordsPerLead:0.0} records, {FullPageImagesPerLead:0.00} full-page images); {CheckpointsBegun} checkpoint(s) begun");
}

public static class WalWritten
{
    /// <param name="Position">The WAL's insert position in bytes (an LSN as a number).</param>
    public sealed record Counters(long Records, long FullPageImages, long Position, long Checkpoints);

    public static async Task<Counters> ReadAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var checkpointer = await connection.ExecuteScalarAsync<bool>("select to_regclass('pg_catalog.pg_stat_checkpointer') is not null");
        var checkpoints = checkpointer
            ? "(select num_timed + num_requested from pg_stat_checkpointer)"
            : "(select checkpoints_timed + checkpoints_req from pg_stat_bgwriter)";
        return await connection.QuerySingleAsync<Counters>(
            $"""
            select wal_records as Records, wal_fpi as FullPageImages,
                   pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint as Position, {checkpoints} as Checkpoints
            from pg_stat_wal
            """);
    }

    public static WalReport Between(Counters before, Counters after, long delivered)
    {
        double PerLead(double amount) => delivered == 0 ? 0 : amount / delivered;
        return new WalReport(Math.Round(PerLead((after.Position - before.Position) / 1024.0), 1),
            Math.Round(PerLead(after.Records - before.Records), 1),
            Math.Round(PerLead(after.FullPageImages - before.FullPageImages), 2),
            after.Checkpoints - before.Checkpoints);
    }
}
