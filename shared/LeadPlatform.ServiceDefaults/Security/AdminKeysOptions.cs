namespace LeadPlatform.ServiceDefaults.Security;

/// <summary>
/// The <c>Admin</c> configuration section: named keys (<c>Admin:Keys:&lt;name&gt;:Key</c>, <c>:Role</c>, <c>:AccountId</c>),
/// the single <c>Admin:Key</c> of earlier versions (one key with role admin), and <c>Admin:KeysFile</c>, a JSON file of the
/// same shape read again whenever it changes (rotation without a restart).
/// </summary>
public sealed class AdminKeysOptions
{
    public const string Section = "Admin";

    /// <summary>One admin key, as configured before named keys existed; it is named <c>default</c>.</summary>
    public string? Key { get; set; }

    public string? KeysFile { get; set; }

    public Dictionary<string, AdminKeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);
}

public sealed class AdminKeyOptions
{
    public string? Key { get; set; }

    /// <summary><c>viewer</c>, <c>operator</c> or <c>admin</c>.</summary>
    public string? Role { get; set; }

    /// <summary>Only for viewers: the one account whose data this key reads.</summary>
    public string? AccountId { get; set; }
}
