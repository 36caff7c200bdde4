using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using Npgsql;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>What a job works on: a bulk replay's filter (as the failed-deliveries preview takes it) or a drain's queue (null: every error queue).</summary>
public sealed record OperationJobParams(string? Crm = null, string? Integration = null, DateTimeOffset? Since = null,
    DateTimeOffset? Before = null, string? Queue = null);

/// <summary>A job as the admin API shows it: counts are deliveries (replay) or messages (drain).</summary>
public sealed record OperationJob
{
    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public OperationJobParams Params { get; init; } = new();
    public string RequestedBy { get; init; } = "";
    public string State { get; init; } = "";
    public int? Total { get; init; }
    public int Done { get; init; }
    public int Failed { get; init; }
    public IReadOnlyList<string> Steps { get; init; } = [];
    public string? Result { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public const string Replay = "replay";
    public const string Drain = "drain";
}

/// <summary>
/// <c>ingestion.operation_job</c>: jobs are queued by the admin API and claimed by <see cref="OperationJobRunner"/> under
/// a lease. Every progress write is conditional on still holding the lease, so an instance that lost it (paused past
/// its lease, taken over) stops instead of writing over the new owner.
/// </summary>
public sealed class OperationJobs(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, kind, params::text as params, requested_by, state, total, done, failed, steps::text as steps, result,
        created_at, started_at, finished_at
        """;

    public async Task<OperationJob> QueueAsync(string kind, OperationJobParams parameters, string requestedBy, CancellationToken ct)
    {
        var sql = $"""
            insert into ingestion.operation_job (id, kind, params, requested_by)
            values (@id, @kind, cast(@params as jsonb), @requestedBy)
            returning {Columns}
            """;
        var args = new { id = Guid.NewGuid(), kind, @params = JsonSerializer.Serialize(parameters, PlatformJson.Options), requestedBy };
        return (await QueryAsync(sql, args, ct)).Single();
    }

    public async Task<OperationJob?> FindAsync(Guid id, CancellationToken ct) =>
        (await QueryAsync($"select {Columns} from ingestion.operation_job where id = @id", new { id }, ct)).SingleOrDefault();

    public Task<IReadOnlyList<OperationJob>> RecentAsync(int limit, CancellationToken ct) =>
        QueryAsync($"select {Columns} from ingestion.operation_job order by created_at desc limit @limit", new { limit }, ct);

    /// <summary>The oldest job that is queued or whose owner's lease ran out, now leased to <paramref name="owner"/>; null when none.</summary>
    public async Task<OperationJob?> ClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        var sql = $"""
            update ingestion.operation_job set state = 'running', started_at = coalesce(started_at, now()),
                   lease_owner = @owner, lease_until = now() + @lease
             where id = (select id from ingestion.operation_job
                          where state = 'queued' or (state = 'running' and lease_until < now())
                          order by created_at limit 1 for update skip locked)
            returning {Columns}
            """;
        return (await QueryAsync(sql, new { owner, lease }, ct)).SingleOrDefault();
    }

    /// <summary>Adds to the counts, appends a step, renews the lease; false when the lease is no longer this owner's.</summary>
    public async Task<bool> ProgressAsync(Guid id, string owner, TimeSpan lease, int done, int failed, string? step, int? total, CancellationToken ct)
    {
        const string sql = """
            update ingestion.operation_job
               set done = done + @done, failed = failed + @failed, total = coalesce(@total, total),
                   steps = case when cast(@step as text) is null then steps else steps || jsonb_build_array(cast(@step as text)) end,
                   lease_until = now() + @lease
             where id = @id and lease_owner = @owner and state = 'running'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, owner, lease, done, failed, step, total }, cancellationToken: ct)) == 1;
    }

    /// <summary>Ends this owner's lease now (the instance is stopping), so another instance takes the job over at once.</summary>
    public async Task ReleaseAsync(Guid id, string owner, CancellationToken ct)
    {
        const string sql = "update ingestion.operation_job set lease_until = now() where id = @id and lease_owner = @owner and state = 'running'";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, owner }, cancellationToken: ct));
    }

    public async Task<bool> FinishAsync(Guid id, string owner, bool failed, string result, CancellationToken ct)
    {
        const string sql = """
            update ingestion.operation_job set state = @state, result = @result, finished_at = now(), lease_owner = null, lease_until = null
             where id = @id and lease_owner = @owner and state = 'running'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql,
            new { id, owner, state = failed ? "failed" : "done", result }, cancellationToken: ct)) == 1;
    }

    private async Task<IReadOnlyList<OperationJob>> QueryAsync(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync(new CommandDefinition(sql, args, cancellationToken: ct));
        return rows.Select(r => (IDictionary<string, object?>)r).Select(r => new OperationJob
        {
            Id = (Guid)r["id"]!,
            Kind = (string)r["kind"]!,
            Params = JsonSerializer.Deserialize<OperationJobParams>((string)r["params"]!, PlatformJson.Options) ?? new(),
            RequestedBy = (string)r["requested_by"]!,
            State = (string)r["state"]!,
            Total = r["total"] as int?,
            Done = (int)r["done"]!,
            Failed = (int)r["failed"]!,
            Steps = JsonSerializer.Deserialize<List<string>>((string)r["steps"]!) ?? [],
            Result = r["result"] as string,
            CreatedAt = Utc(r["created_at"])!.Value,
            StartedAt = Utc(r["started_at"]),
            FinishedAt = Utc(r["finished_at"]),
        }).ToList();
    }

    private static DateTimeOffset? Utc(object? value) => value is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
