using Dapper;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// The polling schedule, kept in <c>disposition.poll_cursor</c> so any number of disposition instances share it: an
/// instance polls an integration only while it holds the row's lease, and only once the row is due. The database's
/// clock decides, never an instance's. Cursor writes carry the lease token: an instance that lost its lease (it
/// stalled past it and another took over) cannot write an older cursor over a newer one.
/// </summary>
public sealed class PollLeases(NpgsqlDataSource dataSource)
{
    public sealed record Claim(string IntegrationId, Guid Token, string? Cursor);

    /// <summary>The integration's lease when it is due and nobody holds it; null otherwise.</summary>
    public async Task<Claim?> TryClaimAsync(string integrationId, TimeSpan lease, CancellationToken ct)
    {
        // One statement: of two instances claiming at once, the second re-reads the row the first updated and its
        // WHERE no longer holds, so it gets no row back.
        const string sql = """
            insert into disposition.poll_cursor as p (integration_id, lease_until, lease_token)
            values (@integrationId, now() + @lease, @token)
            on conflict (integration_id) do update set lease_until = excluded.lease_until, lease_token = excluded.lease_token
             where (p.next_due_at is null or p.next_due_at <= now()) and (p.lease_until is null or p.lease_until < now())
            returning p.cursor
            """;
        var token = Guid.NewGuid();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<string?>(new CommandDefinition(sql, new { integrationId, lease, token }, cancellationToken: ct))).ToList();
        return rows.Count == 0 ? null : new Claim(integrationId, token, rows[0]);
    }

    /// <summary>Stores the cursor after a page and renews the lease; false when the lease is no longer ours.</summary>
    public async Task<bool> SaveCursorAsync(Claim claim, string? cursor, TimeSpan lease, CancellationToken ct)
    {
        const string sql = """
            update disposition.poll_cursor set cursor = @cursor, polled_at = now(), lease_until = now() + @lease
             where integration_id = @IntegrationId and lease_token = @Token and lease_until >= now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql,
            new { claim.IntegrationId, claim.Token, cursor, lease }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Ends the poll: due again one interval later, or on failure (error set) after an exponential back-off (capped at
    /// 32 intervals) shared by every instance, so a CRM that is down is not hammered, and never before a CRM's
    /// Retry-After (<paramref name="notBefore"/>). The cursor stays as stored.
    /// </summary>
    public async Task ReleaseAsync(Claim claim, TimeSpan interval, string? error, TimeSpan notBefore = default)
    {
        const string sql = """
            update disposition.poll_cursor set
                polled_at = now(),
                failures = case when @error is null then 0 else failures + 1 end,
                last_error = @error,
                next_due_at = now() + greatest(@notBefore, @interval * case when @error is null then 1 else power(2, least(failures + 1, 5)) end),
                lease_until = null, lease_token = null
             where integration_id = @IntegrationId and lease_token = @Token
            """;
        // Not cancellable: a stopping host still hands its lease back rather than leaving it to run out.
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        // A CRM's error text can echo a person: emails and phones are masked before it is kept.
        error = error is null ? null : TelemetryRedaction.MaskPersonalData(error);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { claim.IntegrationId, claim.Token, interval, error, notBefore }));
    }
}
