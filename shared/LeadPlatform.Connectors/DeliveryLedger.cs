using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Connectors;

/// <summary>
/// The delivery ledger: one row per (lead, integration). A delivery is worked on only by whoever holds
/// its lease, so a redelivered or duplicated message never pushes a second time.
/// </summary>
public sealed class DeliveryLedger(NpgsqlDataSource dataSource)
{
    private const string ColumnsButMessage = """
        lead_id as LeadId, integration_id as IntegrationId, crm, state, attempts, record_ids::text as RecordIds,
        outcome, last_error as LastError, may_exist as MayExist, trace_parent as TraceParent,
        next_attempt_at as NextAttemptAt, created_at as CreatedAt, finished_at as FinishedAt,
        outcome_published_at is not null as OutcomePublished, lease_token as LeaseToken, coalesce(permanent, true) as Permanent,
        update_version as UpdateVersion, batched_for as BatchedFor
        """;

    private const string Columns = $"{ColumnsButMessage}, message::text as Message";

    /// <summary>
    /// Records the delivery and claims it in one statement: a new delivery is inserted already claimed; a recorded one
    /// is claimed when pending or when its holder died (its lease ran out). Null when it is done or held by another
    /// worker. Claims arriving together share one statement and one commit; each returns once its row is durable.
    /// </summary>
    public Task<LedgerEntry?> EnsureClaimedAsync(LeadConverted message, PlannedDelivery delivery, string? traceParent, TimeSpan lease,
        CancellationToken ct) =>
        _claims.WriteAsync(new Claim(message, delivery.IntegrationId, delivery.Crm, JsonSerializer.Serialize(message, PlatformJson.Options),
            traceParent, lease), ct);

    private sealed record Claim(LeadConverted Message, string IntegrationId, string Crm, string Json, string? TraceParent, TimeSpan Lease);

    private readonly GroupCommit<Claim, LedgerEntry?> _claims = new(async (claims, ct) =>
    {
        // A row this statement inserted (xmax = 0) holds exactly the message we sent: it is not sent back, nor parsed
        // again. A row recorded before (pending, or taken over from a dead holder) may hold another one (an update
        // carried into it), so that one is read back.
        const string sql = $"""
            insert into delivery.ledger as l (lead_id, integration_id, crm, state, message, trace_parent, lease_until, lease_token)
            select c.lead_id, c.integration_id, c.crm, 'in_progress', c.message::jsonb, c.trace_parent, now() + c.lease, gen_random_uuid()
              from unnest(@leadIds, @integrationIds, @crms, @messages, @traceParents, @leases)
                   as c(lead_id, integration_id, crm, message, trace_parent, lease)
             where not exists (select 1 from delivery.erased_lead e where e.lead_id = c.lead_id)
            on conflict (lead_id, integration_id) do update
               set state = 'in_progress', lease_until = excluded.lease_until, lease_token = gen_random_uuid(), updated_at = now(),
                   may_exist = l.may_exist or l.state = 'in_progress'
             where l.state = 'pending' or (l.state = 'in_progress' and l.lease_until < now())
            returning {ColumnsButMessage}, case when l.xmax = 0 then null else l.message::text end as Message
            """;
        // One statement may not touch a row twice, and a redelivered message can arrive with its original: the first
        // claim of a delivery goes in, the others get null (the first one holds it).
        var seen = new HashSet<(Guid, string)>();
        var first = claims.Select(c => seen.Add((c.Message.LeadId, c.IntegrationId))).ToList();
        var distinct = claims.Where((_, i) => first[i]).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var claimed = (await connection.QueryAsync<LedgerEntry>(new CommandDefinition(sql, new
        {
            leadIds = distinct.Select(c => c.Message.LeadId).ToArray(),
            integrationIds = distinct.Select(c => c.IntegrationId).ToArray(),
            crms = distinct.Select(c => c.Crm).ToArray(),
            messages = distinct.Select(c => c.Json).ToArray(),
            traceParents = distinct.Select(c => c.TraceParent).ToArray(),
            leases = distinct.Select(c => c.Lease).ToArray(),
        }, cancellationToken: ct))).ToDictionary(e => (e.LeadId, e.IntegrationId));
        return claims.Select((c, i) =>
        {
            if (!first[i] || !claimed.TryGetValue((c.Message.LeadId, c.IntegrationId), out var entry))
            {
                return null;
            }
            // No message came back (Dapper leaves the property empty for a null): this statement inserted the row.
            return string.IsNullOrEmpty(entry.Message) ? entry with { Message = c.Json, Converted = c.Message } : entry;
        }).ToList();
    }, name: "ledger_claim", lingerWhenBusy: CommitLinger.AwaitedWhenBusy);

    /// <summary>
    /// Claims deliveries of one CRM whose retry is due, whose holder died (lease ran out), or that were recorded
    /// but never claimed (the consumer failed between the two and its message went to the error queue).
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> ClaimDueAsync(string crm, int limit, TimeSpan lease, CancellationToken ct)
    {
        var sql = $"""
            update delivery.ledger l
               set state = 'in_progress', lease_until = now() + @lease, lease_token = gen_random_uuid(), updated_at = now(),
                   may_exist = l.may_exist or l.state = 'in_progress'
              from (select lead_id as due_lead, integration_id as due_integration from delivery.ledger
                     where crm = @crm
                       and ((state = 'retry_scheduled' and next_attempt_at <= now())
                         or (state = 'in_progress' and lease_until < now())
                         or (state = 'pending' and updated_at < now() - @lease))
                     order by coalesce(next_attempt_at, lease_until)
                     limit @limit
                     for update skip locked) due
             where l.lead_id = due.due_lead and l.integration_id = due.due_integration
            returning {Columns}
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<LedgerEntry>(
            new CommandDefinition(sql, new { crm, limit, lease }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>
    /// False when the lease was lost (taken over by another worker): the outcome is theirs to record.
    /// <paramref name="finishedAt"/> is the time the outcome event carries, so a republished event is identical.
    /// Deliveries finishing within <see cref="CommitLinger.BeforeOutcome"/> of each other share one statement and one
    /// commit; each returns once its row is durable, so the outcome is published and the message acknowledged only then.
    /// </summary>
    public Task<bool> MarkDeliveredAsync(LedgerEntry entry, int tries, CrmResult result, CancellationToken ct, DateTimeOffset? finishedAt = null) =>
        _delivered.WriteAsync(new DeliveredMark(entry.LeadId, entry.IntegrationId, entry.LeaseToken, tries, result.Outcome,
            JsonSerializer.Serialize(result.RecordIds, PlatformJson.Options), finishedAt), ct);

    private sealed record DeliveredMark(Guid LeadId, string IntegrationId, Guid? LeaseToken, int Tries, string Outcome, string RecordIds,
        DateTimeOffset? FinishedAt);

    private readonly GroupCommit<DeliveredMark, bool> _delivered = new(async (marks, ct) =>
    {
        const string sql = """
            update delivery.ledger l
               set state = 'delivered', attempts = l.attempts + m.tries, outcome = m.outcome, record_ids = m.record_ids::jsonb,
                   last_error = null, lease_until = null, lease_token = null, next_attempt_at = null,
                   finished_at = coalesce(m.finished_at, now()), updated_at = now()
              from unnest(@leadIds, @integrationIds, @leaseTokens, @tries, @outcomes, @recordIds, @finishedAts)
                   as m(lead_id, integration_id, lease_token, tries, outcome, record_ids, finished_at)
             where l.lead_id = m.lead_id and l.integration_id = m.integration_id and l.lease_token = m.lease_token
            returning l.lead_id as LeadId, l.integration_id as IntegrationId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var updated = (await connection.QueryAsync<(Guid LeadId, string IntegrationId)>(new CommandDefinition(sql, new
        {
            leadIds = marks.Select(m => m.LeadId).ToArray(),
            integrationIds = marks.Select(m => m.IntegrationId).ToArray(),
            leaseTokens = marks.Select(m => m.LeaseToken).ToArray(),
            tries = marks.Select(m => m.Tries).ToArray(),
            outcomes = marks.Select(m => m.Outcome).ToArray(),
            recordIds = marks.Select(m => m.RecordIds).ToArray(),
            finishedAts = marks.Select(m => m.FinishedAt).ToArray(),
        }, cancellationToken: ct))).ToHashSet();
        return marks.Select(m => updated.Contains((m.LeadId, m.IntegrationId))).ToList();
    }, name: "ledger_delivered", linger: CommitLinger.BeforeOutcome);

    public Task<bool> MarkFailedAsync(LedgerEntry entry, int tries, string error, bool permanent, CancellationToken ct, DateTimeOffset? finishedAt = null)
    {
        const string sql = """
            update delivery.ledger
               set state = 'failed', attempts = attempts + @tries, last_error = @error, permanent = @permanent,
                   lease_until = null, lease_token = null, next_attempt_at = null,
                   finished_at = coalesce(@finishedAt, now()), updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and lease_token = @LeaseToken
            """;
        return ExecuteGuardedAsync(sql, new { entry.LeadId, entry.IntegrationId, entry.LeaseToken, tries, error, permanent, finishedAt }, ct);
    }

    public Task<bool> ScheduleRetryAsync(LedgerEntry entry, int tries, string error, DateTimeOffset nextAttemptAt, bool mayExist, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger
               set state = 'retry_scheduled', attempts = attempts + @tries, last_error = @error,
                   next_attempt_at = @nextAttemptAt, may_exist = may_exist or @mayExist,
                   lease_until = null, lease_token = null, updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and lease_token = @LeaseToken
            """;
        return ExecuteGuardedAsync(sql, new { entry.LeadId, entry.IntegrationId, entry.LeaseToken, tries, error, nextAttemptAt, mayExist }, ct);
    }

    /// <summary>Keeps a claim alive while its worker is still busy with it; false when the lease was lost.</summary>
    public Task<bool> RenewLeaseAsync(LedgerEntry entry, TimeSpan lease, CancellationToken ct)
    {
        const string sql = """
            update delivery.ledger set lease_until = now() + @lease, updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and lease_token = @LeaseToken and state = 'in_progress'
            """;
        return ExecuteGuardedAsync(sql, new { entry.LeadId, entry.IntegrationId, entry.LeaseToken, lease }, ct);
    }

    /// <summary>
    /// Records that a finished delivery's outcome event left. Nothing waits for it, so marks are gathered for 100 ms
    /// and written in one statement: at moderate rates that is one commit per 100 ms rather than one per delivery.
    /// A mark that is lost only means the outcome is published again (after 10 s), and its consumers drop the duplicate.
    /// </summary>
    public Task MarkOutcomePublishedAsync(Guid leadId, string integrationId) =>
        _published.WriteAsync((leadId, integrationId), CancellationToken.None);

    private readonly GroupCommit<(Guid LeadId, string IntegrationId), bool> _published = new(async (marks, ct) =>
    {
        const string sql = """
            update delivery.ledger l set outcome_published_at = now()
              from unnest(@leadIds, @integrationIds) as m(lead_id, integration_id)
             where l.lead_id = m.lead_id and l.integration_id = m.integration_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            leadIds = marks.Select(m => m.LeadId).ToArray(),
            integrationIds = marks.Select(m => m.IntegrationId).ToArray(),
        }, cancellationToken: ct));
        return marks.Select(_ => true).ToList();
    }, linger: TimeSpan.FromMilliseconds(100), name: "ledger_outcome_published");

    public async Task<LedgerEntry?> FindAsync(Guid leadId, string integrationId, CancellationToken ct)
    {
        var sql = $"select {Columns} from delivery.ledger where lead_id = @leadId and integration_id = @integrationId";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<LedgerEntry>(
            new CommandDefinition(sql, new { leadId, integrationId }, cancellationToken: ct));
    }

    /// <summary>Finished deliveries whose outcome event never left (the process died or the broker was down).</summary>
    public async Task<IReadOnlyList<LedgerEntry>> UnpublishedOutcomesAsync(string crm, TimeSpan olderThan, int limit, CancellationToken ct)
    {
        var sql = $"""
            select {Columns} from delivery.ledger
             where crm = @crm and state in ('delivered', 'failed') and outcome_published_at is null
               and finished_at < now() - @olderThan
             limit @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<LedgerEntry>(
            new CommandDefinition(sql, new { crm, olderThan, limit }, cancellationToken: ct));
        return rows.ToList();
    }

    private async Task<bool> ExecuteGuardedAsync(string sql, object args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct)) == 1;
    }
}
