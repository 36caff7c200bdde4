using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.Ingestion.Sources;

/// <summary>
/// The metric label for a lead's source: a source the platform knows (one with a source key, or configured under
/// <c>Sources</c>), else <c>other</c>. A body can name any source (an operator's admin key submits for any), and every
/// new label value would be a new time series; the label set stays as small as the list of sources.
/// </summary>
public sealed class KnownSources(NpgsqlDataSource dataSource, IOptionsMonitor<Dictionary<string, SourceOptions>> configured, TimeProvider clock)
{
    public const string Other = "other";

    /// <summary>Sources change rarely: the list is re-read at most this often.</summary>
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);
    private sealed record Snapshot(HashSet<string> Sources, DateTimeOffset At);
    private volatile Snapshot? _known;

    /// <summary>The label of an authenticated caller: its own source (it can submit only for that one).</summary>
    public static string LabelOf(ApiCaller caller) => caller.Source.Trim().ToLowerInvariant();

    public async ValueTask<string> LabelAsync(string? source, CancellationToken ct)
    {
        var name = source?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return Other;
        }
        var known = _known;
        if (known is null || clock.GetUtcNow() - known.At > RefreshEvery)
        {
            known = new Snapshot(await ReadAsync(ct), clock.GetUtcNow());
            _known = known;
        }
        return known.Sources.Contains(name) ? name : Other;
    }

    private async Task<HashSet<string>> ReadAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var keyed = await connection.QueryAsync<string>(new CommandDefinition("select lower(source) from ingestion.source_key", cancellationToken: ct));
        return keyed.Concat(configured.CurrentValue.Keys.Select(k => k.ToLowerInvariant())).ToHashSet(StringComparer.Ordinal);
    }
}
