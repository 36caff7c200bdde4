using System.ComponentModel;
using System.Globalization;
using Dapper;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using Npgsql;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>
/// <c>/v1/admin</c>: what an SRE does to a running platform (the <c>lpops</c> CLI calls these), behind the
/// <c>X-Admin-Key</c> header. No lead payload (personal data) is returned: ids, states, counts and errors only.
/// </summary>
public static class OperationsEndpoints
{
    public const int MaxBatch = 1000;

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Reads: viewer and above (a viewer of one account reads only its leads); replay and drain: operator and above.
        var admin = app.MapGroup("/v1/admin").WithTags("Operations");
        admin.MapGet("/leads/{leadId:guid}", LeadAsync).RequireRole(AdminRole.Viewer, accountScoped: true)
            .WithSummary("A lead's ingestion view and its deliveries")
            .Produces<IngestionResponses.AdminLeadView>().ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapGet("/deliveries/failed", FailedAsync).RequireRole(AdminRole.Viewer)
            .WithSummary("Failed deliveries by crm, integration, since, before (ISO 8601), limit")
            .Produces<IngestionResponses.FailedDeliveriesPage>().ProducesProblems(StatusCodes.Status400BadRequest);
        admin.MapPost("/deliveries/{leadId:guid}/{integrationId}/replay", ReplayOneAsync).RequireRole(AdminRole.Operator)
            .WithSummary("Replay one failed delivery")
            .Produces<IngestionResponses.ReplayOutcome>(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        admin.MapPost("/deliveries/replay", ReplayBatchAsync).RequireRole(AdminRole.Operator)
            .WithSummary("Replay a batch of failed deliveries matching the filter")
            .Produces<IngestionResponses.ReplayOutcome>().ProducesProblems(StatusCodes.Status400BadRequest);
        admin.MapGet("/outbox", async (OutboxBacklog backlog, CancellationToken ct) => Results.Ok(await backlog.SampleAsync(ct)))
            .RequireRole(AdminRole.Viewer).WithSummary("Unpublished outbox rows and the age of the oldest")
            .Produces<OutboxBacklog.Sample>();
        admin.MapGet("/error-queues", async (ErrorQueues queues, CancellationToken ct) => Results.Ok(await queues.ListAsync(ct)))
            .RequireRole(AdminRole.Viewer).WithSummary("The *_error queues and their depth")
            .Produces<IReadOnlyList<ErrorQueue>>();
        admin.MapGet("/error-queues/{queue}/messages", PeekAsync).RequireRole(AdminRole.Viewer)
            .WithSummary("The first messages (limit, 1-100, default 20) of an error queue with their fault reason (MT-Fault-* headers, no body); left in the queue")
            .Produces<IngestionResponses.ErrorQueuePeek>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        admin.MapPost("/error-queues/{queue}/drain", DrainAsync).RequireRole(AdminRole.Operator)
            .WithSummary("Move an error queue's messages back to their source queue")
            .Produces<IngestionResponses.DrainOutcome>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    public sealed record LeadSummary
    {
        public Guid LeadId { get; init; }
        public string Source { get; init; } = "";
        public string SourceLeadId { get; init; } = "";
        public string AccountId { get; init; } = "";
        public string Conversion { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime AcceptedAt { get; init; }
    }

    private static async Task<IResult> LeadAsync(Guid leadId, HttpContext http, NpgsqlDataSource dataSource, FailedDeliveries failures, CancellationToken ct)
    {
        const string leadSql = """
            select id as LeadId, source as Source, source_lead_id as SourceLeadId, account_id as AccountId,
                   conversion as Conversion, status as Status, accepted_at as AcceptedAt
              from ingestion.lead where id = @leadId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var lead = await connection.QuerySingleOrDefaultAsync<LeadSummary>(new CommandDefinition(leadSql, new { leadId }, cancellationToken: ct));
        if (AdminKeyFilter.Authenticate(http) is { AccountId: not null } scoped && (lead is null || !scoped.Sees(lead.AccountId)))
        {
            // A viewer of one account: other accounts' leads do not exist for it.
            return Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found");
        }
        // From ingestion's delivery view (the ledger is the pipeline's); "view" repeats it for clients written before.
        var deliveries = await failures.ForLeadAsync(leadId, ct);
        return lead is null
            ? Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found")
            : Results.Ok(new { leadId, lead, view = deliveries, deliveries });
    }

    private static async Task<IResult> FailedAsync([AsParameters] DeliveryQuery query, FailedDeliveries failures, CancellationToken ct)
    {
        var (filter, limit, problem) = ReadFilter(query, defaultLimit: 100);
        if (problem is not null)
        {
            return problem;
        }
        var rows = await failures.FailedAsync(filter!, limit, ct);
        return Results.Ok(new { total = await failures.CountFailedAsync(filter!, ct), deliveries = rows });
    }

    private static async Task<IResult> ReplayOneAsync(Guid leadId, string integrationId, FailedDeliveries failures, ILoggerFactory logs, CancellationToken ct)
    {
        var replayed = await failures.ReplayAsync(leadId, integrationId, ct);
        if (replayed is not null)
        {
            logs.CreateLogger(nameof(OperationsEndpoints)).LogInformation("Replay of lead {LeadId} to {IntegrationId} scheduled", leadId, integrationId);
            return Results.Accepted(value: new { replayed = 1, deliveries = new[] { replayed } });
        }
        var current = (await failures.ForLeadAsync(leadId, ct)).FirstOrDefault(r => r.IntegrationId == integrationId);
        return current is null
            ? Problems.Status(StatusCodes.Status404NotFound, $"No delivery of lead {leadId} to {integrationId}")
            : Problems.Status(StatusCodes.Status409Conflict, $"The delivery is {current.State}, not failed: only failed deliveries are replayed");
    }

    /// <summary>
    /// One batch (at most <c>limit</c>); callers loop until <c>replayed</c> is 0. Pass <c>before</c> = when the replay
    /// began, so a delivery that fails again during the replay is not picked up a second time.
    /// </summary>
    private static async Task<IResult> ReplayBatchAsync([AsParameters] DeliveryQuery query, FailedDeliveries failures, ILoggerFactory logs, CancellationToken ct)
    {
        var (filter, limit, problem) = ReadFilter(query, defaultLimit: 100);
        if (problem is not null)
        {
            return problem;
        }
        var replayed = await failures.ReplayAsync(filter!, limit, ct);
        logs.CreateLogger(nameof(OperationsEndpoints)).LogInformation("Replay of {Count} failed deliveries scheduled (crm {Crm}, integration {Integration})",
            replayed.Count, filter!.Crm, filter.Integration);
        return Results.Ok(new { replayed = replayed.Count, remaining = await failures.CountFailedAsync(filter, ct), deliveries = replayed });
    }

    private static async Task<IResult> DrainAsync(string queue, [AsParameters] DrainQuery query, ErrorQueues queues, CancellationToken ct)
    {
        if (!ErrorQueues.IsErrorQueue(queue))
        {
            return Problems.Field("queue", $"must be an error queue (ending in {ErrorQueues.Suffix})");
        }
        if (await queues.DepthAsync(queue, ct) is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, $"Queue {queue} not found");
        }
        var source = ErrorQueues.SourceOf(queue);
        if (await queues.DepthAsync(source, ct) is null)
        {
            return Problems.Status(StatusCodes.Status409Conflict, $"Source queue {source} does not exist: start its service first");
        }
        var limit = int.TryParse(query.Limit, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var moved = await queues.DrainAsync(queue, limit, ct);
        return Results.Ok(new { queue, sourceQueue = source, moved, left = await queues.DepthAsync(queue, ct) });
    }

    private static (DeliveryFilter? Filter, int Limit, IResult? Problem) ReadFilter(DeliveryQuery query, int defaultLimit)
    {
        var errors = new Dictionary<string, string[]>();
        var since = ReadTime(query.Since, "since", errors);
        var before = ReadTime(query.Before, "before", errors);
        var limit = defaultLimit;
        if (query.Limit is { } rawLimit
            && (!int.TryParse(rawLimit, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxBatch))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxBatch}"];
        }
        if (errors.Count > 0)
        {
            return (null, 0, Problems.Validation(errors));
        }
        var filter = new DeliveryFilter(Blank(query.Crm), Blank(query.Integration), since, before);
        return (filter, limit, null);
    }

    private static DateTimeOffset? ReadTime(string? raw, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }
        errors[name] = ["must be an ISO 8601 date and time, e.g. 2026-11-23T09:00:00Z"];
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task<IResult> PeekAsync(string queue, [Description("At most this many messages, 1-100 (default 20)")] int? limit, ErrorQueues queues, CancellationToken ct)
    {
        if (!ErrorQueues.IsErrorQueue(queue))
        {
            return Problems.Field("queue", $"must be an error queue (ending in {ErrorQueues.Suffix})");
        }
        if (limit is < 1 or > 100)
        {
            return Problems.Field("limit", "must be between 1 and 100");
        }
        if (await queues.DepthAsync(queue, ct) is null)
        {
            return Problems.Field("queue", $"No queue {queue}", StatusCodes.Status404NotFound);
        }
        return Results.Ok(new { queue, messages = await queues.PeekAsync(queue, limit ?? 20, ct) });
    }
}
