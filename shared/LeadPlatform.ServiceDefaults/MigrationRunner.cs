using System.Reflection;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

public sealed record MigrationModule(string Name, Assembly Assembly);

/// <summary>
/// Applies each module's embedded <c>Migrations/NNNN_name.sql</c> scripts in order, once, recorded in
/// <c>public.schema_journal</c>. Runs before any other hosted service starts (the bus, relays), and
/// waits for PostgreSQL when it is not up yet.
/// </summary>
internal sealed class MigrationRunner(
    NpgsqlDataSource dataSource, IEnumerable<MigrationModule> modules, ILogger<MigrationRunner> logger)
    : IHostedLifecycleService
{
    private static readonly TimeSpan WaitForDatabase = TimeSpan.FromMinutes(2);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + WaitForDatabase;
        while (true)
        {
            try
            {
                await MigrateAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException ex) when (ex is not PostgresException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("PostgreSQL not reachable yet ({Message}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One migrator at a time across all services starting together.
        await connection.ExecuteAsync("select pg_advisory_lock(7340021)");
        try
        {
            const string journal = """
                create table if not exists public.schema_journal (
                    module     text not null,
                    script     text not null,
                    applied_at timestamptz not null default now(),
                    primary key (module, script))
                """;
            await connection.ExecuteAsync(journal);
            foreach (var module in modules.DistinctBy(m => m.Name))
            {
                await ApplyModuleAsync(connection, module, cancellationToken);
            }
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(7340021)");
        }
    }

    private async Task ApplyModuleAsync(NpgsqlConnection connection, MigrationModule module, CancellationToken cancellationToken)
    {
        const string appliedSql = "select script from public.schema_journal where module = @module";
        var applied = (await connection.QueryAsync<string>(appliedSql, new { module = module.Name })).ToHashSet();
        var scripts = module.Assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Resource: n, Script: n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..]))
            .OrderBy(s => s.Script, StringComparer.Ordinal);

        foreach (var (resource, script) in scripts.Where(s => !applied.Contains(s.Script)))
        {
            await using var stream = module.Assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var sql = await reader.ReadToEndAsync(cancellationToken);

            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(sql, transaction: tx);
            const string record = "insert into public.schema_journal (module, script) values (@module, @script)";
            await connection.ExecuteAsync(record, new { module = module.Name, script }, tx);
            await tx.CommitAsync(cancellationToken);
            logger.LogInformation("Applied migration {Module}/{Script}", module.Name, script);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
