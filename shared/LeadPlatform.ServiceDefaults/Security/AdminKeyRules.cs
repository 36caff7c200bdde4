namespace LeadPlatform.ServiceDefaults.Security;

/// <summary>
/// Turns the <c>Admin</c> section into keys and their principals, and says what is wrong with it. Outside Development a
/// service needs at least one key, every key 24 characters or more and none of the keys published in this repository.
/// </summary>
public static class AdminKeyRules
{
    public const int MinLength = 24;
    public const string DevelopmentKey = "dev-admin-key";
    public const string LegacyName = "default";

    /// <summary>Keys that appear in this repository's docs and history: anyone can read them.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        DevelopmentKey, "test-admin-key", "e2e-admin-key", "bench-admin-key", "ingestion-admin-key", "changeme", "admin",
    };

    public const string HowToSet =
        "Set one with Admin__Keys__<name>__Key (at least 24 random characters, e.g. `openssl rand -hex 24`) and " +
        "Admin__Keys__<name>__Role (viewer, operator or admin), or Admin__KeysFile=<path of a JSON file " +
        "{\"Admin\":{\"Keys\":{\"<name>\":{\"Key\":\"...\",\"Role\":\"admin\"}}}}>; build/up.sh generates .run/admin-keys.json. " +
        "See docs/security.md, \"Keys and roles\".";

    public sealed record Keyed(AdminPrincipal Principal, string Key);

    public static (IReadOnlyList<Keyed> Keys, IReadOnlyList<string> Problems) Read(AdminKeysOptions options, bool development)
    {
        var keys = new List<Keyed>();
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(options.Key))
        {
            keys.Add(new Keyed(new AdminPrincipal(LegacyName, AdminRole.Admin, null), options.Key));
        }
        foreach (var (name, entry) in options.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(entry.Key))
            {
                problems.Add($"Admin:Keys:{name}:Key is empty");
                continue;
            }
            if (!Enum.TryParse<AdminRole>(entry.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(entry.Role, out _))
            {
                problems.Add($"Admin:Keys:{name}:Role must be viewer, operator or admin");
                continue;
            }
            var accountId = string.IsNullOrWhiteSpace(entry.AccountId) ? null : entry.AccountId;
            if (accountId is not null && role != AdminRole.Viewer)
            {
                problems.Add($"Admin:Keys:{name}:AccountId is only for viewer keys");
                continue;
            }
            keys.Add(new Keyed(new AdminPrincipal(name, role, accountId), entry.Key));
        }
        if (development)
        {
            if (keys.Count == 0)
            {
                keys.Add(new Keyed(new AdminPrincipal("development", AdminRole.Admin, null), DevelopmentKey));
            }
            return (keys, problems);
        }
        if (keys.Count == 0 && problems.Count == 0)
        {
            problems.Add("No admin key is configured (there is no built-in key outside Development)");
        }
        foreach (var k in keys)
        {
            var setting = k.Principal.Name == LegacyName ? "Admin:Key" : $"Admin:Keys:{k.Principal.Name}:Key";
            if (Known.Contains(k.Key))
            {
                problems.Add($"{setting} is a published key that anyone can read");
            }
            else if (k.Key.Length < MinLength)
            {
                problems.Add($"{setting} is shorter than {MinLength} characters");
            }
        }
        return (keys, problems);
    }
}
