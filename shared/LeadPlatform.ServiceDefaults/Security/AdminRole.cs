namespace LeadPlatform.ServiceDefaults.Security;

/// <summary>What an admin key may do; each role includes the ones below it.</summary>
public enum AdminRole
{
    /// <summary>Reads: leads, timelines, failed deliveries, queues, unmapped values.</summary>
    Viewer = 1,
    /// <summary>Viewer, and replays deliveries and drains error queues.</summary>
    Operator = 2,
    /// <summary>Operator, and manages integrations, source keys, program rules and erasures.</summary>
    Admin = 3,
}

/// <summary>The caller an admin key stands for. <see cref="AccountId"/> set: a viewer limited to that account's data.</summary>
public sealed record AdminPrincipal(string Name, AdminRole Role, string? AccountId)
{
    public bool Has(AdminRole role) => Role >= role;

    /// <summary>Whether this key may see data of <paramref name="accountId"/> (unscoped keys see every account).</summary>
    public bool Sees(string? accountId) => AccountId is null || string.Equals(AccountId, accountId, StringComparison.Ordinal);
}
