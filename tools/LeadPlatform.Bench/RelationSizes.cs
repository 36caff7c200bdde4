using Dapper;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>A table (its heap, its indexes, and with TOAST the total) or one index, of ingestion's and the ledger's schemas.</summary>
public sealed record RelationSize(string Relation, string Kind, long Rows, long HeapBytes, long IndexBytes, long TotalBytes);

public static class RelationSizes
{
    public static async Task<IReadOnlyList<RelationSize>> ReadAsync(NpgsqlDataSource db)
    {
        const string sql = """
            select format('%s.%s', n.nspname, c.relname) as Relation, case c.relkind when 'r' then 'table' else 'index' end as Kind,
                   greatest(c.reltuples, 0)::bigint as Rows, pg_relation_size(c.oid) as HeapBytes,
                   case when c.relkind = 'r' then pg_indexes_size(c.oid) else 0 end as IndexBytes,
                   pg_total_relation_size(c.oid) as TotalBytes
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname in ('ingestion', 'delivery') and c.relkind in ('r', 'i')
             order by c.relkind desc, pg_total_relation_size(c.oid) desc
            """;
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<RelationSize>(sql)).ToList();
    }

    public static void Print(IReadOnlyList<RelationSize> sizes)
    {
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("N1", System.Globalization.CultureInfo.InvariantCulture) + " MB";
        Console.WriteLine("  table                           rows (est.)        heap     indexes  total (with TOAST)");
        foreach (var table in sizes.Where(s => s.Kind == "table" && s.TotalBytes > 1048576))
        {
            Console.WriteLine($"  {table.Relation,-28} {table.Rows,14:N0} {Mb(table.HeapBytes),11} {Mb(table.IndexBytes),11} {Mb(table.TotalBytes),11}");
        }
        Console.WriteLine("  indexes over 1 MB: " + string.Join(", ", sizes.Where(s => s.Kind == "index" && s.TotalBytes > 1048576)
            .Select(s => $"{s.Relation} {Mb(s.TotalBytes)}")));
    }
}
