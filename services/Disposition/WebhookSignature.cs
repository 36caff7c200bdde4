using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeadPlatform.Disposition;

public enum SignatureCheck { Valid, Missing, Malformed, Stale, Mismatch }

/// <summary>
/// HMAC-SHA256 over <c>timestamp + "." + body</c> with the integration's secret, sent as
/// <c>X-LeadPlatform-Signature: sha256=&lt;hex&gt;</c> beside <c>X-LeadPlatform-Timestamp</c> (Unix seconds).
/// The timestamp inside the signed text stops a captured request from being replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-LeadPlatform-Timestamp";
    public const string SignatureHeader = "X-LeadPlatform-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static SignatureCheck Verify(string? secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Missing;
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SignatureCheck.Malformed;
        }
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
        {
            return SignatureCheck.Stale;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
