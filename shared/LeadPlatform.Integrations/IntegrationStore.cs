using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations.Secrets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.Integrations;

/// <summary>
/// Reads and writes integrations; a snapshot keeps the hot path (every lead) off the database. Any committed change
/// drops every instance's snapshot at once (<see cref="IntegrationChangeListener"/>); while that listener is not
/// connected a snapshot lives only <see cref="UnheardFor"/>, and never longer than <see cref="HeardFor"/>.
/// Credentials are stored encrypted (<see cref="CredentialProtector"/>) and handed to every reader in clear.
/// </summary>
public sealed class IntegrationStore(NpgsqlDataSource dataSource, TimeProvider clock, CredentialProtector protector, ILogger<IntegrationStore> logger)
{
    /// <summary>The fallback expiry while changes are heard: bounds the harm of a notification that never came.</summary>
    public static readonly TimeSpan HeardFor = TimeSpan.FromSeconds(60);
    /// <summary>The expiry while the listener is (re)connecting, when a change may go unheard.</summary>
    public static readonly TimeSpan UnheardFor = TimeSpan.FromSeconds(2);
    private volatile Snapshot? _snapshot;
    private long _generation;
    private volatile bool _listening;

    /// <summary>A load that began in an older generation is never served: a change committed during it may be missing.</summary>
    private sealed record Snapshot(IReadOnlyDictionary<string, Integration> ById, DateTimeOffset LoadedAt, long Generation);

    /// <summary>A change was committed (or may have been missed): the next read loads the catalog again.</summary>
    internal void Changed()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

    /// <summary>Whether changes are being heard now; on either edge the snapshot is dropped (one may have been missed).</summary>
    internal void Listening(bool listening)
    {
        _listening = listening;
        Changed();
    }

    private sealed record Row
    {
        public string Id { get; init; } = "";
        public string AccountId { get; init; } = "";
        public string Crm { get; init; } = "";
        public string Level { get; init; } = "";
        public string? DealerId { get; init; }
        public string? OemId { get; init; }
        public string Filter { get; init; } = "{}";
        public string[] Directions { get; init; } = [];
        public string? Endpoint { get; init; }
        public string Credentials { get; init; } = "{}";
        public string Settings { get; init; } = "{}";
        public bool Enabled { get; init; }
    }

    public async Task<Integration?> FindAsync(string id, CancellationToken ct = default) =>
        (await AllAsync(ct)).GetValueOrDefault(id);

    public async Task<IReadOnlyList<Integration>> ForAccountAsync(string accountId, CancellationToken ct = default) =>
        (await AllAsync(ct)).Values.Where(i => i.Enabled && i.AccountId == accountId).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();

    public async Task<IReadOnlyDictionary<string, Integration>> AllAsync(CancellationToken ct = default)
    {
        var generation = Interlocked.Read(ref _generation);
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.Generation == generation
            && clock.GetUtcNow() - snapshot.LoadedAt < (_listening ? HeardFor : UnheardFor))
        {
            return snapshot.ById;
        }
        const string sql = """
            select id, account_id as AccountId, crm, level, dealer_id as DealerId, oem_id as OemId,
                   filter::text as Filter, directions, endpoint, credentials::text as Credentials,
                   settings::text as Settings, enabled
            from integrations.integration
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct));
        var byId = rows.Select(ToIntegration).ToDictionary(i => i.Id);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _snapshot = new Snapshot(byId, clock.GetUtcNow(), generation);
        }
        return byId;
    }

    public async Task UpsertAsync(Integration integration, CancellationToken ct = default)
    {
        const string sql = """
            insert into integrations.integration
                (id, account_id, crm, level, dealer_id, oem_id, filter, directions, endpoint, credentials, settings, enabled, updated_at)
            values (@Id, @AccountId, @Crm, @Level, @DealerId, @OemId, @Filter::jsonb, @Directions, @Endpoint,
                    @Credentials::jsonb, @Settings::jsonb, @Enabled, now())
            on conflict (id) do update set
                account_id = excluded.account_id, crm = excluded.crm, level = excluded.level,
                dealer_id = excluded.dealer_id, oem_id = excluded.oem_id, filter = excluded.filter,
                directions = excluded.directions, endpoint = excluded.endpoint, credentials = excluded.credentials,
                settings = excluded.settings, enabled = excluded.enabled, updated_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, Parameters(integration), cancellationToken: ct));
        Changed();
    }

    private object Parameters(Integration integration) => new
    {
        integration.Id,
        integration.AccountId,
        Crm = integration.Crm.ToLowerInvariant(),
        integration.Level,
        integration.DealerId,
        integration.OemId,
        Filter = JsonSerializer.Serialize(integration.Filter, PlatformJson.Options),
        Directions = integration.Directions.ToArray(),
        integration.Endpoint,
        Credentials = JsonSerializer.Serialize(protector.Protect(integration.Credentials), PlatformJson.Options),
        Settings = integration.Settings.GetRawText(),
        integration.Enabled,
    };

    /// <summary>
    /// Sets one raw -> common entry of the integration's <c>settings.statusMap</c> or <c>settings.activityMap</c> in one
    /// statement (no read-modify-write race with a concurrent edit of other settings); false when there is no such integration.
    /// </summary>
    public async Task<bool> SetMappingAsync(string id, string map, string raw, string value, CancellationToken ct = default)
    {
        if (map is not ("statusMap" or "activityMap"))
        {
            throw new ArgumentOutOfRangeException(nameof(map), map, "statusMap or activityMap");
        }
        const string sql = """
            update integrations.integration
               set settings = jsonb_set(coalesce(settings, '{}'::jsonb), array[@map],
                                        coalesce(settings -> @map, '{}'::jsonb) || jsonb_build_object(@raw::text, @value::text)),
                   updated_at = now()
             where id = @id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var updated = await connection.ExecuteAsync(new CommandDefinition(sql, new { id, map, raw, value }, cancellationToken: ct)) > 0;
        Changed();
        return updated;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct = default)
    {
        const string sql = "delete from integrations.integration where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        Changed();
        return deleted > 0;
    }

    /// <summary>Seeds an integration unless one with its id exists (whatever the API made of it since); true when added.</summary>
    public async Task<bool> InsertIfMissingAsync(Integration integration, CancellationToken ct = default)
    {
        const string sql = """
            insert into integrations.integration
                (id, account_id, crm, level, dealer_id, oem_id, filter, directions, endpoint, credentials, settings, enabled, updated_at)
            values (@Id, @AccountId, @Crm, @Level, @DealerId, @OemId, @Filter::jsonb, @Directions, @Endpoint,
                    @Credentials::jsonb, @Settings::jsonb, @Enabled, now())
            on conflict (id) do nothing
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var added = await connection.ExecuteAsync(new CommandDefinition(sql, Parameters(integration), cancellationToken: ct)) > 0;
        Changed();
        return added;
    }

    /// <summary>Encrypts credentials stored before encryption at rest; the number of integrations rewritten.</summary>
    public async Task<int> ProtectPlainCredentialsAsync(CancellationToken ct = default)
    {
        const string select = "select id, credentials::text from integrations.integration";
        const string update = "update integrations.integration set credentials = @protectedJson::jsonb where id = @id and credentials = @plainJson::jsonb";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Id, string Credentials)>(new CommandDefinition(select, cancellationToken: ct));
        var rewritten = 0;
        foreach (var (id, plainJson) in rows)
        {
            var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(plainJson, PlatformJson.Options) ?? [];
            if (stored.Values.All(CredentialProtector.IsProtected))
            {
                continue;
            }
            var protectedJson = JsonSerializer.Serialize(protector.Protect(stored), PlatformJson.Options);
            rewritten += await connection.ExecuteAsync(new CommandDefinition(update, new { id, protectedJson, plainJson }, cancellationToken: ct));
        }
        Changed();
        return rewritten;
    }

    /// <summary>Clear credentials; one no key can read is left out (and logged by name), so it fails only its own calls.</summary>
    private IReadOnlyDictionary<string, string> Unprotect(string integrationId, string json)
    {
        var clear = new Dictionary<string, string>();
        foreach (var (name, stored) in JsonSerializer.Deserialize<Dictionary<string, string>>(json, PlatformJson.Options) ?? [])
        {
            try
            {
                clear[name] = protector.Unprotect(stored);
            }
            catch (CryptographicException ex)
            {
                logger.LogError("Credential {Credential} of integration {IntegrationId} cannot be decrypted: {Reason}", name, integrationId, ex.Message);
            }
        }
        return clear;
    }

    private Integration ToIntegration(Row row) => new()
    {
        Id = row.Id,
        AccountId = row.AccountId,
        Crm = row.Crm,
        Level = row.Level,
        DealerId = row.DealerId,
        OemId = row.OemId,
        Filter = JsonSerializer.Deserialize<IntegrationFilter>(row.Filter, PlatformJson.Options) ?? new(),
        Directions = row.Directions,
        Endpoint = row.Endpoint,
        Credentials = Unprotect(row.Id, row.Credentials),
        Settings = JsonDocument.Parse(row.Settings).RootElement.Clone(),
        Enabled = row.Enabled,
    };
}
