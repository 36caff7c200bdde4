using Dapper;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// A CRM's rate limit kept in PostgreSQL, so N instances of a connector spend the CRM's rate once between them, not
/// N times: a sliding one-second log of granted permits per key, and pauses the CRM asked for, shared by everyone
/// asking under that key (see <c>delivery.take_rate_permit</c>). One round trip per permit.
/// </summary>
public sealed class SharedRateLimiter(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// The window, a little longer than the CRM's second: a permit is granted when the request leaves, the CRM counts
    /// it when it arrives, and requests do not all take the same time to get there.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1100);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>Waits until <paramref name="key"/> has a permit free under <paramref name="permitsPerSecond"/>, and takes it.</summary>
    public async Task WaitAsync(string key, int permitsPerSecond, CancellationToken ct)
    {
        const string sql = "select delivery.take_rate_permit(@key, @permits, @window)";
        while (true)
        {
            double waitSeconds;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                waitSeconds = await connection.QuerySingleAsync<double>(new CommandDefinition(sql,
                    new { key, permits = Math.Max(1, permitsPerSecond), window = Window }, cancellationToken: ct));
            }
            if (waitSeconds <= 0)
            {
                return;
            }
            // Waiters spread out a little so they do not all ask again at the same instant; a long pause is slept in
            // steps, so a pause lifted early (or a shorter one) is noticed.
            var wait = TimeSpan.FromSeconds(waitSeconds) + TimeSpan.FromMilliseconds(Random.Shared.Next(1, 20));
            await Task.Delay(wait < MaxWait ? wait : MaxWait, clock, ct);
        }
    }

    /// <summary>Holds every instance's calls under <paramref name="key"/> back for <paramref name="forHowLong"/> (the longer pause wins).</summary>
    public async Task PauseAsync(string key, TimeSpan forHowLong, CancellationToken ct)
    {
        const string sql = """
            insert into delivery.rate_pause (key, paused_until) values (@key, clock_timestamp() + @forHowLong)
            on conflict (key) do update set paused_until = greatest(rate_pause.paused_until, excluded.paused_until)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { key, forHowLong }, cancellationToken: ct));
    }
}
