using System.Data;
using Dapper;
using Npgsql;

namespace LeadPlatform.Bench;

/// <summary>
/// PostgreSQL's CHECKPOINT, for the bench's database user (superuser or pg_checkpoint; <c>infra.sh</c> grants the
/// latter to its local role). Without the right it says so and goes on: what it evens out is noise, not correctness.
/// </summary>
public static class Checkpoint
{
    /// <returns>Whether the checkpoint ran.</returns>
    public static async Task<bool> RunAsync(NpgsqlDataSource db, string why)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            // One word: Dapper would take it for a procedure's name.
            await connection.ExecuteAsync(new CommandDefinition("checkpoint", commandType: CommandType.Text, commandTimeout: 0));
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.Error.WriteLine($"bench: no right to CHECKPOINT (superuser or pg_checkpoint), so none {why}");
            return false;
        }
    }
}
