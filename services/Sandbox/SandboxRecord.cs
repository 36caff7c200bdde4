using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary>
/// What the store keeps of a record: a struct in a large array, its JSON in the arena, its text shared with every
/// other record (CRM, kind, id prefix). So a record is no object of its own on the young generations' heap. One
/// surviving object per request scattered through it made each of their collections walk and compact all of it
/// (docs/benchmark.md, "A stand-in CRM that keeps no object per record").
/// </summary>
internal struct RecordSlot
{
    public string Crm;
    public string Kind;
    public string IdPrefix;
    public long Sequence;
    public DateTimeOffset CreatedAt;
    public DateTimeOffset UpdatedAt;
    public int Version;
    public ArraySegment<byte> Json;
    public JsonObject? Parsed;

    public readonly string Id => string.Create(CultureInfo.InvariantCulture, $"{IdPrefix}{Sequence:D6}");
}

/// <summary>A record a CRM stand-in holds, as the CRM would: its id, its kind and its fields.</summary>
public sealed class SandboxRecord : IEquatable<SandboxRecord>
{
    private string? _id;

    internal SandboxRecord(RecordSlot[] chunk, int position)
    {
        Chunk = chunk;
        Position = position;
    }

    /// <summary>Where the store keeps it, and in which of its arrays (a store that was cleared has new ones).</summary>
    internal int Position { get; }
    internal RecordSlot[] Chunk { get; }

    private ref RecordSlot Slot => ref Chunk[Position % SandboxStore.ChunkSize];

    public string Crm => Slot.Crm;
    public string Kind => Slot.Kind;
    public string Id => _id ??= Slot.Id;
    public DateTimeOffset CreatedAt => Slot.CreatedAt;

    public DateTimeOffset UpdatedAt
    {
        get => Slot.UpdatedAt;
        set => Slot.UpdatedAt = value;
    }

    public int Version
    {
        get => Slot.Version;
        set => Slot.Version = value;
    }

    /// <summary>The fields, parsed on first use and the same object from then on (changes to it are kept).</summary>
    public JsonObject Fields
    {
        get
        {
            if (Volatile.Read(ref Slot.Parsed) is { } parsed)
            {
                return parsed;
            }
            var fresh = JsonNode.Parse(Slot.Json)!.AsObject();
            // Another thread may have parsed them first: theirs wins, so that no change is made to a lost copy.
            return Interlocked.CompareExchange(ref Slot.Parsed, fresh, null) ?? fresh;
        }
    }

    /// <summary>A top-level text field's value, read without parsing (and keeping) the whole record.</summary>
    public string? Text(string name)
    {
        if (Volatile.Read(ref Slot.Parsed) is { } parsed)
        {
            return Text(parsed, name);
        }
        var reader = new Utf8JsonReader(Slot.Json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            reader.Skip();
        }
        return null;
    }

    /// <summary>A top-level text field's value in parsed fields.</summary>
    internal static string? Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public bool Equals(SandboxRecord? other) => other is not null && other.Chunk == Chunk && other.Position == Position;

    public override bool Equals(object? obj) => Equals(obj as SandboxRecord);

    public override int GetHashCode() => HashCode.Combine(Chunk, Position);
}
