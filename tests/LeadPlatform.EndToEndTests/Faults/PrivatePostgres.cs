using System.Diagnostics;
using System.Globalization;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb into a temp dir, its own port), from the server binaries the
/// Debian <c>postgresql</c> package installs, so a test can stop and start a real database server without touching
/// the shared one others use. Run as the <c>postgres</c> OS user when the tests run as root (initdb refuses root).
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string HowToFix =
        "The fault tests start a private PostgreSQL cluster from the Debian package's server binaries: install them " +
        "(apt-get install postgresql; build/infra.sh does it when it runs the servers natively, e.g. INFRA_NO_DOCKER=1) " +
        "and run the tests as root (build/test.sh) or as a user that may run initdb and pg_ctl.";

    private readonly string _bin;
    private readonly string _dir;

    public int Port { get; }
    private string DataDir => Path.Combine(_dir, "data");
    private string LogFile => Path.Combine(_dir, "postgres.log");

    /// <summary>Trust authentication: the superuser logs in without a password on the private port only.</summary>
    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=postgres;Password=postgres";

    private PrivatePostgres(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        Port = port;
    }

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = FindBin();
        // /tmp rather than $TMPDIR when root: the postgres OS user must reach the directory.
        var dir = Path.Combine(PrivateProcesses.IsRoot ? "/tmp" : Path.GetTempPath(), "lp-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var postgres = new PrivatePostgres(bin, dir, FreePort.Next());
        if (PrivateProcesses.IsRoot)
        {
            await PrivateProcesses.RunAsync("chown", ["postgres:", dir], HowToFix);
        }
        await postgres.PgAsync("initdb", ["-D", postgres.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await postgres.StartServerAsync();
        return postgres;
    }

    /// <summary>Starts the server on the same data directory and port; returns once it accepts connections.</summary>
    public Task StartServerAsync() => PgAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "start",
        "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c max_connections=200"]);

    /// <summary><c>pg_ctl stop -m fast</c>: sessions are terminated, a checkpoint is written, the server exits.</summary>
    public Task StopServerAsync() => PgAsync("pg_ctl", ["-D", DataDir, "-w", "-t", "60", "-m", "fast", "stop"]);

    /// <summary>
    /// SIGKILL to the postmaster and every process it started, as a crash: nothing is flushed or checkpointed, so the
    /// next start replays the WAL. Returns once they are all gone (a start would otherwise find the shared memory in use).
    /// Each backend runs in a session of its own, so they are found as the postmaster's children, not as a process group.
    /// </summary>
    public async Task KillServerAsync()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var children = File.ReadAllText($"/proc/{postmaster}/task/{postmaster}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pid => int.Parse(pid, CultureInfo.InvariantCulture));
        var processes = new[] { postmaster }.Concat(children).Select(Running).OfType<Process>().ToList();
        foreach (var process in processes)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile (a backend whose session ended).
            }
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var process in processes)
        {
            using (process)
            {
                await process.WaitForExitAsync(timeout.Token);
            }
        }
    }

    /// <summary>Whether the server's log shows it replayed the WAL after a crash.</summary>
    public bool RecoveredFromCrash() =>
        File.ReadAllText(LogFile).Contains("database system was not properly shut down; automatic recovery in progress", StringComparison.Ordinal);

    private static Process? Running(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private Task PgAsync(string tool, IReadOnlyList<string> args)
    {
        var path = Path.Combine(_bin, tool);
        return PrivateProcesses.IsRoot
            ? PrivateProcesses.RunAsync("runuser", ["-u", "postgres", "--", path, .. args], $"{HowToFix} Log: {LogFile}")
            : PrivateProcesses.RunAsync(path, args, $"{HowToFix} Log: {LogFile}");
    }

    private static string FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => int.TryParse(Path.GetFileName(d), out _) && File.Exists(Path.Combine(d, "bin", "pg_ctl")))
                .OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).ToList()
            : [];
        if (versions.Count == 0)
        {
            Assert.Fail($"No PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin. {HowToFix}");
        }
        return Path.Combine(versions[^1], "bin");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", DataDir, "-w", "-t", "30", "-m", "immediate", "stop"]);
        }
        catch (AssertionException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Runs the command-line tools that start and stop the private servers.</summary>
internal static class PrivateProcesses
{
    public static bool IsRoot => System.Environment.UserName == "root";

    /// <summary>Runs a tool to completion; fails the test with its output and <paramref name="howToFix"/> when it fails.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, string howToFix,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"Could not run {file}: {ex.Message}. {howToFix}");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', args)} did not finish in time. {howToFix}");
            }
            var text = await output + await error;
            if (process.ExitCode != 0)
            {
                Assert.Fail($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {text.Trim()}. {howToFix}");
            }
            return text;
        }
    }
}
