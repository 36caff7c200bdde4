using System.Globalization;

namespace LeadPlatform.Testing;

/// <summary>
/// A private PostgreSQL primary and a synchronous streaming standby on free ports (<see cref="PostgresServer"/>), run
/// as the <c>postgres</c> OS user: <c>initdb</c>, the primary started with <c>synchronous_standby_names = '*'</c> (a
/// commit returns once the standby has it), the standby made with <c>pg_basebackup -R</c>. The primary's synchronous
/// setting is given on its command line, not in a file, so the promoted standby does not wait for a standby it lacks.
/// Both servers are stopped and the directory removed on dispose.
/// </summary>
public sealed class PostgresPair : IAsyncDisposable
{
    private readonly string _dir;
    private PostgresServer? _primary;
    private PostgresServer? _standby;

    public PostgresServer Primary => _primary!;
    public PostgresServer Standby => _standby!;
    public int PrimaryPort => Primary.Port;
    public int StandbyPort => Standby.Port;

    /// <summary>Both hosts, the primary wherever it is: what a service's <c>ConnectionStrings:Postgres</c> names.</summary>
    public string AdminConnectionString =>
        $"Host=127.0.0.1:{PrimaryPort.ToString(CultureInfo.InvariantCulture)},127.0.0.1:{StandbyPort.ToString(CultureInfo.InvariantCulture)};" +
        "Database=postgres;Username=postgres;Password=postgres;Target Session Attributes=primary;Host Recheck Seconds=2;Timeout=5";

    private PostgresPair(string dir) => _dir = dir;

    public static async Task<PostgresPair> StartAsync(string extraPrimaryOptions = "")
    {
        if (!PrivateProcesses.IsRoot)
        {
            Assert.Fail($"The cluster tests run the PostgreSQL pair as the postgres user, so they must run as root. {PostgresServer.HowToFix}");
        }
        var pair = new PostgresPair(await PostgresServer.CreateDirectoryAsync("lp-pgha-"));
        try
        {
            pair._primary = await PostgresServer.InitAsync(pair._dir, "primary", $"-c synchronous_standby_names='*' {extraPrimaryOptions}");
            await pair.Primary.StartAsync();
            pair._standby = await PostgresServer.StandbyOfAsync(pair.Primary, "standby");
            await pair.Standby.StartAsync();
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
        return pair;
    }

    /// <summary>SIGKILL to the primary's postmaster and all its processes, as a machine that died.</summary>
    public Task KillPrimaryAsync() => Primary.KillAsync();

    /// <summary><c>pg_ctl promote</c> on the standby; returns once it accepts writes.</summary>
    public Task PromoteStandbyAsync() => Standby.PromoteAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var server in new[] { _standby, _primary }.OfType<PostgresServer>())
        {
            await server.StopQuietlyAsync();
        }
        PrivateProcesses.DeleteDirectory(_dir);
    }
}
