using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// Everything the CRM stand-ins received, in memory, for inspection over HTTP. Records are kept per CRM and kind
/// in creation order, and a top-level text field is indexed from its first look-up (by email, phone, external id),
/// so a look-up costs the same with a million records as with ten: a benchmark measures the platform, not the
/// sandbox. It keeps no object per record (<see cref="RecordSlot"/>): a <see cref="SandboxRecord"/> is a view made
/// when asked for, and the indexes hold record positions, not references.
/// </summary>
public sealed class SandboxStore
{
    internal const int ChunkSize = 4096; // Slots per array: ~400 KB, on the large object heap.
    private readonly List<RecordSlot[]> _chunks = [];
    private int _count;
    private readonly Dictionary<(string Crm, string Kind), List<int>> _byKind = [];
    // Both keyed by a hash ((CRM, id), or (CRM, kind, field, value)), so no string is kept per key; a look-up checks
    // each record found.
    private readonly Dictionary<int, Positions> _byId = [];
    private readonly Dictionary<int, Positions> _byField = [];
    private readonly HashSet<(string Crm, string Kind, string Field)> _indexed = [];
    private RecordArena _arena = new();
    private readonly Lock _lock = new();
    // Seeded from the clock: a real CRM never hands out the same record id twice, even across sandbox restarts
    // (the platform remembers CRM record ids in its database).
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100_000_000 * 1000;

    public SandboxRecord Create(string crm, string kind, string idPrefix, JsonObject fields)
    {
        lock (_lock)
        {
            if (_count % ChunkSize == 0)
            {
                _chunks.Add(new RecordSlot[ChunkSize]);
            }
            var position = _count++;
            var now = DateTimeOffset.UtcNow;
            // Interned: a kind may come from a request's route, and each record would keep its own copy.
            Slot(position) = new RecordSlot
            {
                Crm = string.Intern(crm),
                Kind = string.Intern(kind),
                IdPrefix = string.Intern(idPrefix),
                Sequence = ++_sequence,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
                Json = _arena.Copy(JsonSerializer.SerializeToUtf8Bytes(fields)),
            };
            var record = Record(position);
            Add(_byId, HashCode.Combine(crm, record.Id), position);
            (CollectionsMarshal.GetValueRefOrAddDefault(_byKind, (crm, kind), out _) ??= []).Add(position);
            Index(position, fields);
            return record;
        }
    }

    public SandboxRecord? Find(string crm, string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(HashCode.Combine(crm, id), out var found)
                ? found.All.Select(Record).FirstOrDefault(r => r.Crm == crm && r.Id == id)
                : null;
        }
    }

    /// <summary>The records of one CRM (and kind), oldest first.</summary>
    public IReadOnlyList<SandboxRecord> All(string? crm = null, string? kind = null)
    {
        lock (_lock)
        {
            if (crm is not null && kind is not null)
            {
                return _byKind.TryGetValue((crm, kind), out var list) ? list.Select(Record).ToList() : [];
            }
            return _byKind.Where(k => crm is null || k.Key.Crm == crm).SelectMany(k => k.Value).Select(Record)
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
            if (_indexed.Add((crm, kind, field)) && _byKind.TryGetValue((crm, kind), out var positions))
            {
                foreach (var position in positions)
                {
                    IndexField(position, field, Record(position).Text(field));
                }
            }
            // Another key may share the hash, and an update may have changed the field since the record was indexed
            // under this value: check each record again.
            return _byField.TryGetValue(Hash(crm, kind, field, wanted), out var found)
                ? found.All.Distinct().Select(Record)
                    .Where(r => r.Crm == crm && r.Kind == kind && Normalize(field, r.Text(field)) == wanted)
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
            if (IsStored(record))
            {
                Index(record.Position, changes);
            }
        }
        return record;
    }

    public void Clear()
    {
        lock (_lock)
        {
            _chunks.Clear();
            _count = 0;
            _byKind.Clear();
            _byId.Clear();
            _byField.Clear();
            _indexed.Clear();
            _arena = new RecordArena();
        }
    }

    private ref RecordSlot Slot(int position) => ref _chunks[position / ChunkSize][position % ChunkSize];

    private SandboxRecord Record(int position) => new(_chunks[position / ChunkSize], position);

    /// <summary>Not a record from before a <see cref="Clear"/>.</summary>
    private bool IsStored(SandboxRecord record) =>
        record.Position < _count && _chunks[record.Position / ChunkSize] == record.Chunk;

    /// <summary>
    /// Indexes the record under those of <paramref name="fields"/> (as created, or the changes just made) that are
    /// looked up; read from them rather than the record, whose fields stay in the arena.
    /// </summary>
    private void Index(int position, JsonObject fields)
    {
        ref var slot = ref Slot(position);
        foreach (var (name, _) in fields)
        {
            if (_indexed.Contains((slot.Crm, slot.Kind, name)))
            {
                IndexField(position, name, SandboxRecord.Text(fields, name));
            }
        }
    }

    private void IndexField(int position, string field, string? text)
    {
        if (Normalize(field, text) is { Length: > 0 } value)
        {
            ref var slot = ref Slot(position);
            Add(_byField, Hash(slot.Crm, slot.Kind, field, value), position);
        }
    }

    private static void Add(Dictionary<int, Positions> index, int hash, int position) =>
        CollectionsMarshal.GetValueRefOrAddDefault(index, hash, out _).Add(position);

    private static string? Normalize(string field, string? value) =>
        value is null ? null
        : field.EndsWith("phone", StringComparison.OrdinalIgnoreCase) ? new string(value.Where(char.IsDigit).ToArray())
        : value.ToUpperInvariant();

    private static int Hash(string crm, string kind, string field, string value) => HashCode.Combine(crm, kind, field, value);

    /// <summary>The record positions under one hash: most belong to one record, which needs no list.</summary>
    private struct Positions
    {
        private int _first; // The position + 1: 0 is none.
        private List<int>? _more;

        public readonly IEnumerable<int> All => _first == 0 ? [] : _more is null ? [_first - 1] : _more.Prepend(_first - 1);

        public void Add(int position)
        {
            if (_first == 0)
            {
                _first = position + 1;
            }
            else if ((_more is { Count: > 0 } ? _more[^1] : _first - 1) != position) // Not indexed under this value already.
            {
                (_more ??= []).Add(position);
            }
        }
    }
}
