using System.Globalization;

namespace LeadPlatform.Testing;

/// <summary>
/// A PostgreSQL server of the test's own (<see cref="PostgresServer"/>: initdb into a temp dir, its own port), so a
/// test can stop, kill and start a real database server without touching the shared one others use.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _dir;

    public PostgresServer Server { get; }
    public int Port => Server.Port;

    /// <summary>Trust authentication: the superuser logs in without a password on the private port only.</summary>
    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=postgres;Password=postgres";

    private PrivatePostgres(string dir, PostgresServer server)
    {
        _dir = dir;
        Server = server;
    }

    public static async Task<PrivatePostgres> StartAsync()
    {
        var dir = await PostgresServer.CreateDirectoryAsync("lp-pg-");
        var postgres = new PrivatePostgres(dir, await PostgresServer.InitAsync(dir, "data"));
        await postgres.Server.StartAsync();
        return postgres;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopQuietlyAsync();
        PrivateProcesses.DeleteDirectory(_dir);
    }
}
