using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace LeadPlatform.Testing;

/// <summary>
/// The per-service broker users of <c>build/broker-users.sh</c>, made by that very script on a test's own vhost (so the
/// tests exercise the production regexes), under a name prefix of their own: RabbitMQ users are per broker, not per
/// vhost, and other fixtures and sessions use the same broker. Deleted on dispose.
/// </summary>
public sealed class BrokerUsers : IAsyncDisposable
{
    private readonly IsolatedEnvironment _environment;
    private readonly string _prefix;
    private readonly Dictionary<string, string> _passwords;

    private BrokerUsers(IsolatedEnvironment environment, string prefix, Dictionary<string, string> passwords)
    {
        _environment = environment;
        _prefix = prefix;
        _passwords = passwords;
    }

    /// <summary>The roles the script makes a user for.</summary>
    public static readonly string[] Roles =
        ["ingestion", "connector-enquire", "connector-alis", "connector-salesforce", "connector-hubspot", "connector-adf", "disposition", "notifications", "intake"];

    public static async Task<BrokerUsers> CreateAsync(IsolatedEnvironment environment)
    {
        var prefix = $"t{Guid.NewGuid():N}"[..13] + "-";
        var envFile = Path.Combine(Path.GetTempPath(), $"{prefix}broker-users.env");
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "build", "broker-users.sh"), environment.Name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["BROKER_USER_PREFIX"] = prefix;
        info.Environment["BROKER_USERS_ENV"] = envFile;
        info.Environment["RMQ_MGMT"] = environment.Servers.RabbitManagement.TrimEnd('/');
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"build/broker-users.sh failed:\n{await output}\n{await errors}");

        var passwords = (await File.ReadAllLinesAsync(envFile))
            .Select(line => line.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
        File.Delete(envFile);
        return new BrokerUsers(environment, prefix, passwords);
    }

    public string UserName(string role) => _prefix + role;

    public string Password(string role) => _passwords[UserName(role).Replace('-', '_')];

    /// <summary>The AMQP address a service of this role connects with.</summary>
    public string Uri(string role) =>
        $"amqp://{System.Uri.EscapeDataString(UserName(role))}:{System.Uri.EscapeDataString(Password(role))}@" +
        $"{_environment.Servers.RabbitHost}:{_environment.Servers.RabbitPort}/{System.Uri.EscapeDataString(_environment.Name)}";

    public async ValueTask DisposeAsync()
    {
        using var management = new HttpClient { BaseAddress = new System.Uri(_environment.Servers.RabbitManagement.TrimEnd('/') + "/") };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        foreach (var role in Roles)
        {
            try
            {
                using var _ = await management.DeleteAsync($"api/users/{System.Uri.EscapeDataString(UserName(role))}");
            }
            catch (HttpRequestException ex)
            {
                await TestContext.Progress.WriteLineAsync($"Could not delete broker user {UserName(role)}: {ex.Message}");
            }
        }
    }
}
