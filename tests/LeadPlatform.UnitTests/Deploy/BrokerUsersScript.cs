using System.Diagnostics;
using LeadPlatform.Testing;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>
/// The broker users of <c>build/broker-users.sh</c>, as the script itself lists them (<c>--print</c>, no broker): the
/// one source of the users and their permission regexes that compose and the Kubernetes manifests must agree with.
/// </summary>
public static class BrokerUsersScript
{
    public sealed record User(string Name, string Tags, string Configure, string Write, string Read)
    {
        /// <summary>The service (or role) the user is for: <c>lp-connector-enquire</c> is <c>connector-enquire</c>.</summary>
        public string Role => Name["lp-".Length..];

        /// <summary>The variable holding its password (a line of the passwords file, a compose variable).</summary>
        public string PasswordVariable => Name.Replace('-', '_');
    }

    public static IReadOnlyList<User> Users() => Run("--print")
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('\t'))
        .Select(f => new User(f[0], f[1], f[2], f[3], f[4]))
        .ToList();

    public static string Run(string mode)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "build", "broker-users.sh"), mode])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment.Remove("BROKER_USER_PREFIX");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(30_000), Is.True, "build/broker-users.sh finished within 30 s");
        Assert.That(process.ExitCode, Is.Zero, $"build/broker-users.sh {mode}: {errors.Result}");
        return output.Result;
    }
}
