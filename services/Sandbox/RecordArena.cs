namespace LeadPlatform.Sandbox;

/// <summary>
/// The records' JSON, copied into chunks large enough for the large object heap, which collections of the young
/// generations neither walk nor copy. Not thread-safe: the store appends under its lock.
/// </summary>
internal sealed class RecordArena
{
    private const int ChunkSize = 1 << 20;
    private byte[] _chunk = [];
    private int _used;

    public ArraySegment<byte> Copy(ReadOnlySpan<byte> json)
    {
        if (json.Length > ChunkSize / 4)
        {
            return json.ToArray(); // A body this large is rare; it gets an array of its own.
        }
        if (_chunk.Length - _used < json.Length)
        {
            _chunk = new byte[ChunkSize];
            _used = 0;
        }
        json.CopyTo(_chunk.AsSpan(_used));
        var segment = new ArraySegment<byte>(_chunk, _used, json.Length);
        _used += json.Length;
        return segment;
    }
}
