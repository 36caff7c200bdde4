using System.Globalization;
using Dapper;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>Full-page images of one relation and kind of WAL record.</summary>
public sealed record FullPageImageShare(string Relation, string Record, long Images)
{
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Relation} {Record} {Images}");
}

/// <summary>A WAL range's full-page images: how many, and the relations and record kinds with the most.</summary>
public sealed record FullPageImagesInRange(long Total, IReadOnlyList<FullPageImageShare> Most)
{
    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"{Total} full-page images in its WAL{(Most.Count == 0 ? "" : ", most: " + string.Join(", ", Most.Select(f => f.Text)))}");
}

/// <summary>
/// Which relations a WAL range's full-page images were of, read with pg_walinspect (PostgreSQL 15 on). The extension
/// is not one a database owner may create, so <c>infra.sh</c> installs it in the bench role's own database (the
/// environments' admin connection) and lets that role call <c>pg_get_wal_records_info</c>; the relation names are
/// resolved in the bench's database while it exists. Without either it says so once and reports nothing.
/// Unlike pg_stat_wal, whose counters a process adds to when it reports its statistics (autovacuum's were seen to land
/// outside the window they were written in), this counts the images written inside the range.
/// </summary>
public static class FullPageImages
{
    private const string Inspect = "pg_get_wal_records_info(pg_lsn, pg_lsn)";
    private static bool _saidUnavailable;

    private sealed record ImageCount(long Database, long FileNode, string Fork, string Record, long Images);

    /// <summary>The full-page images between two readings of the WAL, with the <paramref name="top"/> relation and record kinds.</summary>
    /// <param name="db">The database whose relations are named (others are counted by file node).</param>
    /// <param name="adminConnectionString">A connection to the database pg_walinspect is installed in.</param>
    public static async Task<FullPageImagesInRange?> BetweenAsync(NpgsqlDataSource db, string adminConnectionString,
        WalWritten.Counters from, WalWritten.Counters to, int top = 5)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        if (!await admin.ExecuteScalarAsync<bool>(
                $"select to_regprocedure('{Inspect}') is not null and has_function_privilege(to_regprocedure('{Inspect}'), 'execute')"))
        {
            if (!_saidUnavailable)
            {
                _saidUnavailable = true;
                Console.Error.WriteLine("bench: pg_walinspect not callable in the admin database (build/infra.sh installs it), so no full-page images by relation");
            }
            return null;
        }
        // A record's block references read "blkref #0: rel 1663/16384/16420 fork main blk 12 (FPW); hole: ...".
        // A checkpoint that ends inside a long range may have recycled its first segments: then there is nothing to count.
        List<ImageCount> counts;
        try
        {
            counts = (await admin.QueryAsync<ImageCount>("""
                select m[1]::bigint as Database, m[2]::bigint as FileNode, m[3] as Fork,
                       r.resource_manager || ' ' || r.record_type as Record, count(*) as Images
                from pg_get_wal_records_info('0/0'::pg_lsn + @from, least('0/0'::pg_lsn + @to, pg_current_wal_flush_lsn())) r,
                     regexp_matches(r.block_ref, 'rel \d+/(\d+)/(\d+) fork (\w+) blk \d+ \(FPW', 'g') m
                where r.fpi_length > 0
                group by 1, 2, 3, 4
                """, new { from = (decimal)from.Position, to = (decimal)to.Position }, commandTimeout: 0)).ToList();
        }
        catch (PostgresException ex)
        {
            Console.Error.WriteLine($"bench: no full-page images for this range: {ex.MessageText}");
            return null;
        }

        await using var named = await db.OpenConnectionAsync();
        var database = await named.ExecuteScalarAsync<long>("select oid::bigint from pg_database where datname = current_database()");
        var names = (await named.QueryAsync<(long FileNode, string Name)>(
                "select n, coalesce(pg_filenode_relation(0, n::oid)::regclass::text, '?') from unnest(@nodes) n",
                new { nodes = counts.Where(c => c.Database == database).Select(c => c.FileNode).Distinct().ToArray() }))
            .ToDictionary(n => n.FileNode, n => n.Name);

        string Relation(ImageCount c) =>
            (c.Database == database ? names[c.FileNode] : c.Database == 0 ? $"shared {c.FileNode}" : $"other database {c.FileNode}")
            + (c.Fork == "main" ? "" : $" ({c.Fork})");
        return new FullPageImagesInRange(counts.Sum(c => c.Images), counts.GroupBy(c => (Relation: Relation(c), c.Record))
            .Select(g => new FullPageImageShare(g.Key.Relation, g.Key.Record, g.Sum(c => c.Images)))
            .OrderByDescending(s => s.Images).Take(top).ToList());
    }
}
