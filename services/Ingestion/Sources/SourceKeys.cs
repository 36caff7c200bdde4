using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace LeadPlatform.Ingestion.Sources;

/// <summary>
/// Who is calling: the upstream source an API key belongs to, the accounts it may submit to, and whether it reads the
/// leads of other sources on those accounts (<see cref="ReadAccountLeads"/>; by default it reads only its own).
/// </summary>
public sealed record ApiCaller(string Source, IReadOnlyList<string> Accounts, bool ReadAccountLeads = false)
{
    public const string AnyAccount = "*";

    public bool MaySubmitTo(string accountId) => Accounts.Any(a => a == AnyAccount || string.Equals(a, accountId, StringComparison.Ordinal));

    public bool IsSource(string source) => string.Equals(Source, source, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads: a lead of its own source on one of its accounts; any lead of those accounts when granted.</summary>
    public bool MayRead(string source, string accountId) => MaySubmitTo(accountId) && (ReadAccountLeads || IsSource(source));

    /// <summary>Changes: only leads of its own source on one of its accounts.</summary>
    public bool MayChange(string source, string accountId) => MaySubmitTo(accountId) && IsSource(source);
}

/// <summary>A source key as the admin API and the configuration file carry it (the key in clear, once).</summary>
public sealed record SourceKey
{
    public string Source { get; init; } = "";
    public string? Key { get; init; }
    public IReadOnlyList<string> Accounts { get; init; } = [];
    /// <summary>Reads the leads of every source on its accounts, not only its own (granted explicitly; default false).</summary>
    public bool ReadAccountLeads { get; init; }
}

/// <summary>Per-source API keys (<c>ingestion.source_key</c>); only a SHA-256 of each key is stored.</summary>
public sealed class SourceKeys(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string Header = "X-Api-Key";

    /// <summary>
    /// Known keys are remembered briefly so a busy source costs no look-up per lead. A key replaced or deleted here
    /// stops working at once; on another ingestion instance within this time.
    /// </summary>
    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (ApiCaller Caller, DateTimeOffset At)> _known = new();

    private sealed record Row
    {
        public string Source { get; init; } = "";
        public string[] Accounts { get; init; } = [];
        public bool ReadAccountLeads { get; init; }
    }

    public async Task<ApiCaller?> AuthenticateAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        var hash = Hash(key);
        if (_known.TryGetValue(hash, out var known) && clock.GetUtcNow() - known.At < RememberFor)
        {
            return known.Caller;
        }
        const string sql = "select source, accounts, read_account_leads as ReadAccountLeads from ingestion.source_key where key_hash = @hash";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { hash }, cancellationToken: ct));
        if (row is null)
        {
            _known.TryRemove(hash, out _);
            return null;
        }
        var caller = new ApiCaller(row.Source, row.Accounts, row.ReadAccountLeads);
        _known[hash] = (caller, clock.GetUtcNow());
        return caller;
    }

    public async Task UpsertAsync(SourceKey sourceKey, CancellationToken ct)
    {
        const string sql = """
            insert into ingestion.source_key (source, key_hash, accounts, read_account_leads) values (@Source, @hash, @Accounts, @ReadAccountLeads)
            on conflict (source) do update set key_hash = excluded.key_hash, accounts = excluded.accounts,
                                               read_account_leads = excluded.read_account_leads, updated_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql,
            new { sourceKey.Source, hash = Hash(sourceKey.Key!), Accounts = sourceKey.Accounts.ToArray(), sourceKey.ReadAccountLeads }, cancellationToken: ct));
        _known.Clear();
    }

    /// <summary>Sources and their accounts; keys are never returned.</summary>
    public async Task<IReadOnlyList<SourceKey>> AllAsync(CancellationToken ct)
    {
        const string sql = "select source, accounts, read_account_leads as ReadAccountLeads from ingestion.source_key order by source";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new SourceKey { Source = r.Source, Accounts = r.Accounts, ReadAccountLeads = r.ReadAccountLeads }).ToList();
    }

    public async Task<bool> DeleteAsync(string source, CancellationToken ct)
    {
        const string sql = "delete from ingestion.source_key where source = @source";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(sql, new { source }, cancellationToken: ct)) > 0;
        _known.Clear();
        return deleted;
    }

    public static Dictionary<string, string[]> Validate(SourceKey sourceKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(sourceKey.Source))
        {
            errors["source"] = ["is required"];
        }
        if (sourceKey.Key is not { Length: >= 16 })
        {
            errors["key"] = ["is required and must be at least 16 characters"];
        }
        if (sourceKey.Accounts.Count == 0 || sourceKey.Accounts.Any(string.IsNullOrWhiteSpace))
        {
            errors["accounts"] = ["must list at least one account id, or \"*\" for any"];
        }
        return errors;
    }

    /// <summary>Keys are long random secrets, so a plain SHA-256 (no salt, no stretching) is enough and lets us look a key up.</summary>
    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
