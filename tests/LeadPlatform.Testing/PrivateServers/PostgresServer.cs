using System.Diagnostics;
using System.Globalization;

namespace LeadPlatform.Testing;

/// <summary>
/// One PostgreSQL server of a test's own (a data directory, a port, its log beside the data), run with the server
/// binaries of Debian's <c>postgresql</c> package, as the <c>postgres</c> OS user when the tests run as root (initdb
/// refuses root). Made by <see cref="PrivatePostgres"/> and <see cref="PostgresPair"/>.
/// </summary>
public sealed class PostgresServer
{
    public const string HowToFix =
        "Tests with private servers start PostgreSQL from the Debian package's server binaries: install them " +
        "(apt-get install postgresql; build/infra.sh does it when it runs the servers natively, e.g. INFRA_NO_DOCKER=1) " +
        "and run the tests as root (build/test.sh) or as a user that may run initdb and pg_ctl.";

    private readonly string _bin;
    private readonly string _socketDir;
    private readonly string _options;

    public int Port { get; }
    public string DataDir { get; }
    public string LogFile => DataDir + ".log";

    private PostgresServer(string bin, string socketDir, string dataDir, int port, string options)
    {
        _bin = bin;
        _socketDir = socketDir;
        DataDir = dataDir;
        Port = port;
        _options = options;
    }

    /// <summary>A new cluster by <c>initdb</c> (trust authentication, superuser <c>postgres</c>), not started yet.</summary>
    internal static async Task<PostgresServer> InitAsync(string dir, string name, string options = "")
    {
        var server = new PostgresServer(FindBin(), dir, Path.Combine(dir, name), FreePort.Next(), options);
        await server.PgAsync("initdb", ["-D", server.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        return server;
    }

    /// <summary>A streaming standby of <paramref name="primary"/> by <c>pg_basebackup -R</c>, not started yet.</summary>
    internal static async Task<PostgresServer> StandbyOfAsync(PostgresServer primary, string name)
    {
        var standby = new PostgresServer(primary._bin, primary._socketDir, Path.Combine(primary._socketDir, name), FreePort.Next(), "");
        await standby.PgAsync("pg_basebackup", ["-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", standby.DataDir, "-R", "-X", "stream", "--no-sync"]);
        return standby;
    }

    /// <summary>A directory for private servers that the <c>postgres</c> OS user may use when the tests run as root.</summary>
    internal static async Task<string> CreateDirectoryAsync(string prefix)
    {
        // /tmp rather than $TMPDIR when root: the postgres OS user must reach the directory.
        var dir = Path.Combine(PrivateProcesses.IsRoot ? "/tmp" : Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        if (PrivateProcesses.IsRoot)
        {
            await PrivateProcesses.RunAsync("chown", ["postgres:", dir], HowToFix);
        }
        return dir;
    }

    /// <summary>Starts the server on its data directory and port; returns once it accepts connections.</summary>
    public Task StartAsync() => PgAsync("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "start",
        "-o", $"-p {Port} -k {_socketDir} -c listen_addresses=127.0.0.1 -c max_connections=200 {_options}"]);

    /// <summary><c>pg_ctl stop -m fast</c>: sessions are terminated, a checkpoint is written, the server exits.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", DataDir, "-w", "-t", "60", "-m", "fast", "stop"]);

    /// <summary><c>pg_ctl promote</c> on a standby; returns once it accepts writes.</summary>
    public Task PromoteAsync() => PgAsync("pg_ctl", ["-D", DataDir, "-w", "-t", "60", "promote"]);

    /// <summary>
    /// SIGKILL to the postmaster and every process it started, as a crash: nothing is flushed or checkpointed, so the
    /// next start replays the WAL. Returns once they are all gone (a start would otherwise find the shared memory in use).
    /// Each backend runs in a session of its own, so they are found as the postmaster's children, not as a process group.
    /// </summary>
    public async Task KillAsync()
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

    /// <summary>
    /// <c>pg_ctl stop -m immediate</c> when it may still run, for clean-up: not through <see cref="PgAsync"/>, since a
    /// killed server's stale pid file makes pg_ctl fail, which is no test failure.
    /// </summary>
    internal async Task StopQuietlyAsync()
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            return;
        }
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        string[] args = ["-D", DataDir, "-w", "-t", "30", "-m", "immediate", "stop"];
        var info = PrivateProcesses.IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. args]) : new ProcessStartInfo(pgCtl, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var stop = Process.Start(info)!;
        _ = stop.StandardOutput.ReadToEndAsync();
        _ = stop.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await stop.WaitForExitAsync(timeout.Token);
    }

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
        var howToFix = $"{HowToFix} Log: {LogFile}";
        return PrivateProcesses.IsRoot
            ? PrivateProcesses.RunAsync("runuser", ["-u", "postgres", "--", path, .. args], howToFix)
            : PrivateProcesses.RunAsync(path, args, howToFix);
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
}
