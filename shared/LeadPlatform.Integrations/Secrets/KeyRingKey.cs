using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.Integrations.Secrets;

/// <summary>
/// The key that encrypts the Data Protection key ring where it is stored (<c>DataProtection:Key</c>, at least 32
/// characters), and the keys it replaced (<c>DataProtection:PreviousKeys:0</c>, <c>:1</c>…) so ring keys written under
/// them stay readable. Development and Test fall back to a built-in key; anywhere else a missing or short key stops
/// the service at start-up.
/// </summary>
public sealed class KeyRingKey
{
    public const string Setting = "DataProtection:Key";
    public const int MinLength = 32;
    private const string DevelopmentKey = "leadplatform-development-only-data-protection-key";

    public KeyRingKey(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[Setting];
        if (string.IsNullOrEmpty(configured))
        {
            if (!(environment.IsDevelopment() || environment.IsEnvironment("Test")))
            {
                throw new InvalidOperationException(
                    $"{Setting} is not set. Credentials are encrypted at rest with a key ring protected by this key: set " +
                    $"DataProtection__Key to a random string of at least {MinLength} characters (e.g. `openssl rand -base64 48`), " +
                    "the same for every service, and keep it out of the database's backups.");
            }
            configured = DevelopmentKey;
        }
        if (configured.Length < MinLength)
        {
            throw new InvalidOperationException($"{Setting} must be at least {MinLength} characters long.");
        }
        Current = Derive(configured);
        Previous = configuration.GetSection("DataProtection:PreviousKeys").GetChildren()
            .Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).Select(Derive).ToList();
    }

    public sealed record Key(string Id, byte[] Bytes);

    public Key Current { get; }
    public IReadOnlyList<Key> Previous { get; }

    public Key? Find(string id) => Current.Id == id ? Current : Previous.FirstOrDefault(k => k.Id == id);

    private static Key Derive(string secret)
    {
        var bytes = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32,
            info: Encoding.ASCII.GetBytes("LeadPlatform key ring"));
        var id = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        return new Key(id, bytes);
    }
}
