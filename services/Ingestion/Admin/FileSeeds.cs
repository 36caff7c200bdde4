using Dapper;
using Npgsql;

namespace LeadPlatform.Ingestion.Admin;

/// <summary>
/// The journal of what the integrations file seeded (<c>ingestion.file_seed</c>). An item is seeded once: only when the
/// journal has never seen it and nothing by its id exists; after that the API owns it.
/// </summary>
public sealed class FileSeeds(NpgsqlDataSource dataSource)
{
    public const string Integration = "integration";
    public const string SourceKey = "source-key";
    public const string ProgramRule = "program-rule";

    /// <summary>True when the item was written now.</summary>
    public async Task<bool> SeedAsync(string kind, string id, Func<Task<bool>> exists, Func<Task> write, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string seen = "select exists (select 1 from ingestion.file_seed where kind = @kind and id = @id)";
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(seen, new { kind, id }, cancellationToken: ct)))
        {
            return false;
        }
        // Written before it is journaled: a crash in between leaves an item that exists, journaled at the next start.
        var written = !await exists();
        if (written)
        {
            await write();
        }
        const string record = "insert into ingestion.file_seed (kind, id) values (@kind, @id) on conflict do nothing";
        await connection.ExecuteAsync(new CommandDefinition(record, new { kind, id }, cancellationToken: ct));
        return written;
    }

    public async Task<bool> ExistsAsync(string sql, string id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }
}
