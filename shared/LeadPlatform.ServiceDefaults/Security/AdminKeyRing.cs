using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadPlatform.ServiceDefaults.Security;

/// <summary>
/// The admin keys in force. Follows the configuration (<see cref="IOptionsMonitor{T}"/>: environment, settings and the
/// keys file, which is reloaded when it changes), so a key is added or revoked without a restart. A change that breaks
/// the rules is logged and ignored: the keys before it stay in force. At start-up broken rules stop the service.
/// </summary>
public sealed class AdminKeyRing : IHostedService, IDisposable
{
    private sealed record Entry(AdminPrincipal Principal, byte[] Hash);

    private readonly bool _development;
    private readonly ILogger<AdminKeyRing> _logger;
    private readonly IDisposable? _subscription;
    private readonly IReadOnlyList<string> _startProblems;
    private volatile IReadOnlyList<Entry> _entries;

    public AdminKeyRing(IOptionsMonitor<AdminKeysOptions> options, IHostEnvironment environment, ILogger<AdminKeyRing> logger)
    {
        _development = environment.IsDevelopment();
        _logger = logger;
        var (keys, problems) = AdminKeyRules.Read(options.CurrentValue, _development);
        _startProblems = problems;
        _entries = problems.Count == 0 ? ToEntries(keys) : [];
        _subscription = options.OnChange(Reload);
    }

    /// <summary>The principal of <paramref name="given"/>; null when it matches no key. Every key is compared, in constant time.</summary>
    public AdminPrincipal? Authenticate(string? given)
    {
        if (string.IsNullOrEmpty(given))
        {
            return null;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        AdminPrincipal? found = null;
        foreach (var entry in _entries)
        {
            // Fixed-length digests compared without an early exit: the answer's timing tells nothing about any key.
            if (CryptographicOperations.FixedTimeEquals(hash, entry.Hash) && found is null)
            {
                found = entry.Principal;
            }
        }
        return found;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _startProblems.Count == 0
        ? Task.CompletedTask
        : throw new InvalidOperationException(
            $"Refusing to start: {string.Join("; ", _startProblems)}. {AdminKeyRules.HowToSet}");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Reload(AdminKeysOptions options)
    {
        var (keys, problems) = AdminKeyRules.Read(options, _development);
        if (problems.Count > 0)
        {
            _logger.LogError("Admin keys changed but were not applied (the previous keys stay in force): {Problems}", string.Join("; ", problems));
            return;
        }
        _entries = ToEntries(keys);
        _logger.LogInformation("Admin keys reloaded: {Names}", string.Join(", ", keys.Select(k => $"{k.Principal.Name} ({k.Principal.Role})")));
    }

    private static Entry[] ToEntries(IEnumerable<AdminKeyRules.Keyed> keys) =>
        keys.Select(k => new Entry(k.Principal, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)))).ToArray();

    public void Dispose() => _subscription?.Dispose();
}
