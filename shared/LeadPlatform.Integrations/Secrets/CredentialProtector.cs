using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace LeadPlatform.Integrations.Secrets;

/// <summary>
/// Encrypts credential values for storage with ASP.NET Core Data Protection. A stored value carries the <c>dp1:</c>
/// prefix; one without it is a plain value written before encryption and is read as it is (and encrypted at the next
/// start-up or write).
/// </summary>
public sealed class CredentialProtector(IDataProtectionProvider provider)
{
    public const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("LeadPlatform.Integrations.Credentials.v1");

    public static bool IsProtected(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public string Protect(string value) => IsProtected(value) ? value : Prefix + _protector.Protect(value);

    /// <summary>The clear value; throws <see cref="CryptographicException"/> when no key of the ring can read it.</summary>
    public string Unprotect(string stored) => IsProtected(stored) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;

    public IReadOnlyDictionary<string, string> Protect(IReadOnlyDictionary<string, string> credentials) =>
        credentials.ToDictionary(c => c.Key, c => Protect(c.Value));
}
