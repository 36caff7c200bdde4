using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeadPlatform.Disposition.HubSpot;

/// <summary>
/// HubSpot's v3 request signature: <c>X-HubSpot-Signature-v3</c> = base64(HMAC-SHA256(app client secret,
/// method + uri + body + timestamp)), with <c>X-HubSpot-Request-Timestamp</c> in Unix milliseconds.
/// The uri is the full URL HubSpot called (scheme, host, path, query), URL-decoded. A timestamp older than
/// five minutes is refused so a captured request cannot be replayed.
/// </summary>
public static class HubSpotSignature
{
    public const string SignatureHeader = "X-HubSpot-Signature-v3";
    public const string TimestampHeader = "X-HubSpot-Request-Timestamp";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static string Sign(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp)
    {
        var head = Encoding.UTF8.GetBytes(method.ToUpperInvariant() + DecodeUri(uri));
        var tail = Encoding.UTF8.GetBytes(timestamp);
        var signed = new byte[head.Length + body.Length + tail.Length];
        head.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(head.Length));
        tail.CopyTo(signed, head.Length + body.Length);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), signed));
    }

    /// <summary>HubSpot decodes only these escapes in the uri before signing; any other escape stays as sent.</summary>
    private static readonly (string Escaped, string Plain)[] DecodedEscapes =
    [
        ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"),
        ("%27", "'"), ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
    ];

    public static string DecodeUri(string uri)
    {
        foreach (var (escaped, plain) in DecodedEscapes)
        {
            uri = uri.Replace(escaped, plain, StringComparison.OrdinalIgnoreCase);
        }
        return uri;
    }

    public static SignatureCheck Verify(
        string? clientSecret, string method, string uri, ReadOnlySpan<byte> body, string? timestamp, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(clientSecret) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Missing;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var millis)
            || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return SignatureCheck.Malformed;
        }
        // HubSpot refuses only the old side; a small clock skew ahead is tolerated the same way.
        if ((now - DateTimeOffset.FromUnixTimeMilliseconds(millis)).Duration() > MaxAge)
        {
            return SignatureCheck.Stale;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(clientSecret, method, uri, body, timestamp));
        var given = Encoding.ASCII.GetBytes(signature.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
