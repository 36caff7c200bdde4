using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>A record a CRM stand-in holds, as the CRM would: its id, its kind and its fields.</summary>
public sealed record SandboxRecord(string Crm, string Kind, string Id, JsonObject Fields, DateTimeOffset CreatedAt)
{
    public DateTimeOffset UpdatedAt { get; set; } = CreatedAt;
    public int Version { get; set; } = 1;
}

/// <summary>Everything the CRM stand-ins received, in memory, for inspection over HTTP.</summary>
public sealed class SandboxStore
{
    private readonly ConcurrentDictionary<string, SandboxRecord> _records = new();
    // Seeded from the clock: a real CRM never hands out the same record id twice, even across sandbox restarts
    // (the platform remembers CRM record ids in its database).
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1000;

    public SandboxRecord Create(string crm, string kind, string idPrefix, JsonObject fields)
    {
        var id = $"{idPrefix}{Interlocked.Increment(ref _sequence):D6}";
        var record = new SandboxRecord(crm, kind, id, fields, DateTimeOffset.UtcNow);
        _records[Key(crm, id)] = record;
        return record;
    }

    public SandboxRecord? Find(string crm, string id) => _records.GetValueOrDefault(Key(crm, id));

    public IEnumerable<SandboxRecord> All(string? crm = null, string? kind = null) =>
        _records.Values
            .Where(r => (crm is null || r.Crm == crm) && (kind is null || r.Kind == kind))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal);

    public SandboxRecord Update(SandboxRecord record, JsonObject changes)
    {
        lock (record)
        {
            foreach (var (name, value) in changes)
            {
                record.Fields[name] = value?.DeepClone();
            }
            record.UpdatedAt = DateTimeOffset.UtcNow;
            record.Version++;
        }
        return record;
    }

    public void Clear() => _records.Clear();

    private static string Key(string crm, string id) => $"{crm}/{id}";
}
