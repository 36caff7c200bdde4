using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using Npgsql;

namespace LeadPlatform.Integrations.DealerProviders;

/// <summary>
/// The dealer providers: those shipped as data (<c>Catalog/*.json</c>, embedded) overlaid by the entries the admin API
/// saved in <c>integrations.dealer_provider</c>. Read from the database each time (no cache): an edit counts at once
/// in every service, and the table holds a handful of rows.
/// </summary>
public sealed class DealerProviderCatalog(NpgsqlDataSource dataSource)
{
    public const string Generic = "generic";

    private static readonly Lazy<IReadOnlyDictionary<string, DealerProvider>> ShippedEntries = new(LoadShipped);

    /// <summary>The entries shipped with the platform, by id.</summary>
    public static IReadOnlyDictionary<string, DealerProvider> Shipped => ShippedEntries.Value;

    public async Task<IReadOnlyDictionary<string, DealerProvider>> AllAsync(CancellationToken ct = default)
    {
        const string sql = "select document::text from integrations.dealer_provider";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var merged = new Dictionary<string, DealerProvider>(Shipped, StringComparer.OrdinalIgnoreCase);
        foreach (var document in await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct)))
        {
            var provider = Parse(document);
            merged[provider.Id] = provider;
        }
        return merged;
    }

    public async Task<DealerProvider?> FindAsync(string id, CancellationToken ct = default)
    {
        const string sql = "select document::text from integrations.dealer_provider where id = lower(@id)";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var stored = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return stored is not null ? Parse(stored) : Shipped.GetValueOrDefault(id.ToLowerInvariant());
    }

    /// <summary>Saves an entry (validated by the caller); a shipped id saved here overrides the shipped entry.</summary>
    public async Task SaveAsync(DealerProvider provider, CancellationToken ct = default)
    {
        const string sql = """
            insert into integrations.dealer_provider (id, document, updated_at) values (@id, @document::jsonb, now())
            on conflict (id) do update set document = excluded.document, updated_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql,
            new { id = provider.Id, document = JsonSerializer.Serialize(provider, PlatformJson.Options) }, cancellationToken: ct));
    }

    /// <summary>The provider an integration names (<c>settings.dealerProvider</c>), or null when it names none.</summary>
    public static string? ProviderIdOf(Integration integration) =>
        integration.Settings.ValueKind == JsonValueKind.Object
        && integration.Settings.EnumerateObject().FirstOrDefault(p => p.Name.Equals("dealerProvider", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } named
            ? named.Value.GetString()
            : null;

    private static DealerProvider Parse(string json) =>
        JsonSerializer.Deserialize<DealerProvider>(json, PlatformJson.Options) ?? throw new JsonException("A dealer provider entry is null");

    private static Dictionary<string, DealerProvider> LoadShipped()
    {
        var assembly = typeof(DealerProviderCatalog).Assembly;
        var entries = new Dictionary<string, DealerProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".DealerProviders.Catalog.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var provider = Parse(reader.ReadToEnd());
            entries[provider.Id] = provider;
        }
        return entries;
    }
}
