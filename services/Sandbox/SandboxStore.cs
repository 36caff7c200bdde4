using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>A record a CRM stand-in holds, as the CRM would: its id, its kind and its fields.</summary>
public sealed class SandboxRecord(string crm, string kind, string id, JsonObject fields, DateTimeOffset createdAt)
{
    // The fields as UTF-8 JSON until someone asks for them: one array instead of a tree of nodes. The store keeps
    // every record, so each collection of the sandbox copies what arrived since the last; as trees they paused it
    // 40-60 % longer in the benchmark (docs/benchmark.md, "A lighter stand-in CRM").
    private object _fields = JsonSerializer.SerializeToUtf8Bytes(fields);

    public string Crm { get; } = crm;
    public string Kind { get; } = kind;
    public string Id { get; } = id;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public int Version { get; set; } = 1;

    /// <summary>The fields, parsed on first use and the same object from then on (changes to it are kept).</summary>
    public JsonObject Fields
    {
        get
        {
            var current = Volatile.Read(ref _fields);
            if (current is JsonObject parsed)
            {
                return parsed;
            }
            var fresh = JsonNode.Parse((byte[])current)!.AsObject();
            // Another thread may have parsed them first: theirs wins, so that no change is made to a lost copy.
            return Interlocked.CompareExchange(ref _fields, fresh, current) as JsonObject ?? fresh;
        }
    }
}

/// <summary>
/// Everything the CRM stand-ins received, in memory, for inspection over HTTP. Records are kept per CRM and kind
/// in creation order, and a top-level text field is indexed from its first look-up (by email, phone, external id),
/// so a look-up costs the same with a million records as with ten: a benchmark measures the platform, not the
/// sandbox.
/// </summary>
public sealed class SandboxStore
{
    private readonly ConcurrentDictionary<string, SandboxRecord> _records = new();
    private readonly Dictionary<(string Crm, string Kind), List<SandboxRecord>> _byKind = [];
    private readonly Dictionary<(string Crm, string Kind, string Field, string Value), List<SandboxRecord>> _byField = [];
    private readonly HashSet<(string Crm, string Kind, string Field)> _indexed = [];
    private readonly Lock _lock = new();
    // Seeded from the clock: a real CRM never hands out the same record id twice, even across sandbox restarts
    // (the platform remembers CRM record ids in its database).
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1000;

    public SandboxRecord Create(string crm, string kind, string idPrefix, JsonObject fields)
    {
        lock (_lock)
        {
            var id = $"{idPrefix}{++_sequence:D6}";
            var record = new SandboxRecord(crm, kind, id, fields, DateTimeOffset.UtcNow);
            _records[Key(crm, id)] = record;
            Append(_byKind, (crm, kind), record);
            Index(record, fields);
            return record;
        }
    }

    public SandboxRecord? Find(string crm, string id) => _records.GetValueOrDefault(Key(crm, id));

    /// <summary>The records of one CRM (and kind), oldest first.</summary>
    public IReadOnlyList<SandboxRecord> All(string? crm = null, string? kind = null)
    {
        lock (_lock)
        {
            if (crm is not null && kind is not null)
            {
                return _byKind.TryGetValue((crm, kind), out var list) ? [.. list] : [];
            }
            return _byKind.Where(k => crm is null || k.Key.Crm == crm).SelectMany(k => k.Value)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>
    /// Records of a kind whose text field equals <paramref name="value"/>, oldest first: case-insensitive, and by
    /// digits only for a field named like a phone. An empty value matches nothing.
    /// </summary>
    public IReadOnlyList<SandboxRecord> Matching(string crm, string kind, string field, string? value)
    {
        if (Normalize(field, value) is not { Length: > 0 } wanted)
        {
            return [];
        }
        lock (_lock)
        {
            if (_indexed.Add((crm, kind, field)) && _byKind.TryGetValue((crm, kind), out var records))
            {
                foreach (var record in records)
                {
                    IndexField(record, field, Text(record.Fields, field));
                }
            }
            // An update may have changed the field since the record was indexed under this value: check again.
            return _byField.TryGetValue((crm, kind, field, wanted), out var list)
                ? list.Where(r => Normalize(field, Text(r.Fields, field)) == wanted).Distinct()
                    .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList()
                : [];
        }
    }

    public SandboxRecord Update(SandboxRecord record, JsonObject changes)
    {
        lock (_lock)
        {
            foreach (var (name, value) in changes)
            {
                record.Fields[name] = value?.DeepClone();
            }
            record.UpdatedAt = DateTimeOffset.UtcNow;
            record.Version++;
            Index(record, changes);
        }
        return record;
    }

    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
            _byKind.Clear();
            _byField.Clear();
            _indexed.Clear();
        }
    }

    /// <summary>
    /// Indexes the record under those of <paramref name="fields"/> (as created, or the changes just made) that are
    /// looked up; read from them rather than the record, whose fields stay unparsed.
    /// </summary>
    private void Index(SandboxRecord record, JsonObject fields)
    {
        foreach (var (name, _) in fields)
        {
            if (_indexed.Contains((record.Crm, record.Kind, name)))
            {
                IndexField(record, name, Text(fields, name));
            }
        }
    }

    private void IndexField(SandboxRecord record, string field, string? text)
    {
        if (Normalize(field, text) is { Length: > 0 } value)
        {
            var entries = Append(_byField, (record.Crm, record.Kind, field, value), record);
            if (entries.Count > 1 && entries[^2] == record)
            {
                entries.RemoveAt(entries.Count - 1); // Indexed under this value already.
            }
        }
    }

    private static List<SandboxRecord> Append<TKey>(Dictionary<TKey, List<SandboxRecord>> index, TKey key, SandboxRecord record)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(record);
        return list;
    }

    private static string? Normalize(string field, string? value) =>
        value is null ? null
        : field.EndsWith("phone", StringComparison.OrdinalIgnoreCase) ? new string(value.Where(char.IsDigit).ToArray())
        : value.ToUpperInvariant();

    private static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Key(string crm, string id) => $"{crm}/{id}";
}
