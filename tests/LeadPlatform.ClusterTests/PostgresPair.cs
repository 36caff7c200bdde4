using System.Diagnostics;
using System.Globalization;
using LeadPlatform.EndToEndTests.Faults;

namespace LeadPlatform.ClusterTests;

/// <summary>
/// A private PostgreSQL primary and a synchronous streaming standby on free ports, from Debian's server binaries, run
/// as the <c>postgres</c> OS user: <c>initdb</c>, the primary started with <c>synchronous_standby_names = '*'</c> (a
/// commit returns once the standby has it), the standby made with <c>pg_basebackup -R</c>. The primary's synchronous
/// setting is given on its command line, not in a file, so the promoted standby does not wait for a standby it lacks.
/// Both servers are stopped and the directory removed on dispose.
/// </summary>
public sealed class PostgresPair : IAsyncDisposable
{
    private const string HowToFix =
        "The cluster tests start private PostgreSQL servers from the Debian package's binaries (apt-get install postgresql) " +
        "and must run as root (build/test.sh) to run them as the postgres user.";

    private readonly string _bin;
    private readonly string _dir;

    public int PrimaryPort { get; }
    public int StandbyPort { get; }
    private string PrimaryData => Path.Combine(_dir, "primary");
    private string StandbyData => Path.Combine(_dir, "standby");

    /// <summary>Both hosts, the primary wherever it is: what a service's <c>ConnectionStrings:Postgres</c> names.</summary>
    public string AdminConnectionString =>
        $"Host=127.0.0.1:{PrimaryPort.ToString(CultureInfo.InvariantCulture)},127.0.0.1:{StandbyPort.ToString(CultureInfo.InvariantCulture)};" +
        "Database=postgres;Username=postgres;Password=postgres;Target Session Attributes=primary;Host Recheck Seconds=2;Timeout=5";

    private PostgresPair(string bin, string dir, int primaryPort, int standbyPort)
    {
        _bin = bin;
        _dir = dir;
        PrimaryPort = primaryPort;
        StandbyPort = standbyPort;
    }

    public static async Task<PostgresPair> StartAsync(string extraPrimaryOptions = "")
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).LastOrDefault(d => File.Exists(Path.Combine(d, "pg_basebackup")));
        if (bin is null || !PrivateProcesses.IsRoot)
        {
            Assert.Fail(HowToFix);
        }
        var dir = Path.Combine("/tmp", "lp-pgha-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var pair = new PostgresPair(bin!, dir, Testing.FreePort.Next(), Testing.FreePort.Next());
        try
        {
            await PrivateProcesses.RunAsync("chown", ["postgres:", dir], HowToFix);
            await pair.PgAsync("initdb", ["-D", pair.PrimaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            await pair.StartServerAsync(pair.PrimaryData, pair.PrimaryPort, $"-c synchronous_standby_names='*' {extraPrimaryOptions}");
            await pair.PgAsync("pg_basebackup", ["-h", "127.0.0.1", "-p", pair.PrimaryPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
                "-D", pair.StandbyData, "-R", "-X", "stream", "--no-sync"]);
            await pair.StartServerAsync(pair.StandbyData, pair.StandbyPort, "");
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
        return pair;
    }

    private Task StartServerAsync(string data, int port, string options) => PgAsync("pg_ctl", ["-D", data, "-l", data + ".log", "-w", "-t", "60", "start",
        "-o", $"-p {port} -k {_dir} -c listen_addresses=127.0.0.1 -c max_connections=200 {options}"]);

    /// <summary>SIGKILL to the primary's postmaster and all its processes, as a machine that died.</summary>
    public async Task KillPrimaryAsync()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(PrimaryData, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
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

    /// <summary><c>pg_ctl promote</c> on the standby; returns once it accepts writes.</summary>
    public Task PromoteStandbyAsync() => PgAsync("pg_ctl", ["-D", StandbyData, "-w", "-t", "60", "promote"]);

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

    private Task PgAsync(string tool, IReadOnlyList<string> args) =>
        PrivateProcesses.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args], $"{HowToFix} Logs: {_dir}");

    public async ValueTask DisposeAsync()
    {
        foreach (var data in new[] { StandbyData, PrimaryData }.Where(d => File.Exists(Path.Combine(d, "postmaster.pid"))))
        {
            // Not through PgAsync: a killed primary's stale pid file makes pg_ctl fail, which is no test failure.
            var info = new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", data, "-w", "-t", "30", "-m", "immediate", "stop"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var stop = Process.Start(info)!;
            _ = stop.StandardOutput.ReadToEndAsync();
            _ = stop.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await stop.WaitForExitAsync(timeout.Token);
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
