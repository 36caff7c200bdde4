using System.Buffers;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Api;

/// <summary>Reads a JSON request body with a size limit, answering what is wrong as problem+json.</summary>
public static class JsonBody
{
    public const int MaxBytes = 256 * 1024;

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Field("Content-Type", "Content-Type must be application/json", StatusCodes.Status415UnsupportedMediaType));
        }
        var (body, tooLarge) = await ReadLimitedAsync(request, ct);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, PlatformJson.Options);
            return value is null
                ? (null, Problems.Field("body", "The body must be a JSON object"))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = JsonErrors.Describe(ex);
            return (null, Problems.Field(field, message));
        }
    }

    /// <summary>The body, or a 413 when it is over <see cref="MaxBytes"/> (by Content-Length or as read).</summary>
    public static async Task<(byte[] Body, IResult? Problem)> ReadLimitedAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return ([], TooLarge());
        }
        // Sized by Content-Length when there is one, so a lead's body is read into the array it is returned in; the
        // chunk is pooled: a new one per request was a quarter of intake's allocations (docs/benchmark.md).
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 0));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return ([], TooLarge());
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray(), null);
    }

    private static IResult TooLarge() =>
        Problems.Field("body", $"The body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge);
}
