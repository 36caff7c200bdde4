using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>
/// <c>/v1/admin/jobs</c>: long operations queued here and run by <see cref="OperationJobRunner"/> on whichever ingestion
/// instance claims them, so their progress outlives the client (the console) that started them. Starting one needs
/// operator; reading progress, any key not limited to one account.
/// </summary>
public static class OperationJobEndpoints
{
    public const int MaxRecent = 100;

    /// <summary>A bulk replay's filter: the same as <c>GET /v1/admin/deliveries/failed</c> (the preview) takes.</summary>
    public sealed record ReplayJobRequest(string? Crm, string? Integration, DateTimeOffset? Since, DateTimeOffset? Before);

    /// <summary>A drain: one error queue, or every error queue with messages when <c>queue</c> is absent.</summary>
    public sealed record DrainJobRequest(string? Queue);

    public static WebApplication MapOperationJobs(this WebApplication app)
    {
        var jobs = app.MapGroup("/v1/admin/jobs").WithTags("Operations");
        jobs.MapPost("/replay", StartReplayAsync).RequireRole(AdminRole.Operator)
            .WithSummary("Queue a bulk replay of the failed deliveries matching the filter; before defaults to now")
            .DocumentsBody(typeof(ReplayJobRequest), "application/json")
            .Produces<OperationJob>(StatusCodes.Status202Accepted).ProducesProblems(StatusCodes.Status400BadRequest);
        jobs.MapPost("/drain", StartDrainAsync).RequireRole(AdminRole.Operator)
            .WithSummary("Queue a drain of one error queue (queue) or of all of them back to their source queues")
            .DocumentsBody(typeof(DrainJobRequest), "application/json")
            .Produces<OperationJob>(StatusCodes.Status202Accepted).ProducesProblems(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{id:guid}", async (Guid id, OperationJobs store, CancellationToken ct) =>
                await store.FindAsync(id, ct) is { } job ? Results.Ok(job) : Problems.Status(StatusCodes.Status404NotFound, $"Job {id} not found"))
            .RequireRole(AdminRole.Viewer).WithSummary("A job's state and progress")
            .Produces<OperationJob>().ProducesProblems(StatusCodes.Status404NotFound);
        jobs.MapGet("/", RecentAsync).RequireRole(AdminRole.Viewer)
            .WithSummary($"The most recent jobs, newest first (limit, 1-{MaxRecent}, default 20)")
            .Produces<IReadOnlyList<OperationJob>>().ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> StartReplayAsync(HttpRequest request, OperationJobs store, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ReplayJobRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.Since is { } since && body.Before is { } before && since >= before)
        {
            return Problems.Field("since", "must be before before");
        }
        var parameters = new OperationJobParams(Blank(body.Crm), Blank(body.Integration), body.Since, body.Before ?? DateTimeOffset.UtcNow);
        return Results.Accepted(value: await store.QueueAsync(OperationJob.Replay, parameters, KeyName(request), ct));
    }

    private static async Task<IResult> StartDrainAsync(HttpRequest request, OperationJobs store, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<DrainJobRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (Blank(body!.Queue) is { } queue && !ErrorQueues.IsErrorQueue(queue))
        {
            return Problems.Field("queue", $"must be an error queue (ending in {ErrorQueues.Suffix})");
        }
        var parameters = new OperationJobParams(Queue: Blank(body.Queue));
        return Results.Accepted(value: await store.QueueAsync(OperationJob.Drain, parameters, KeyName(request), ct));
    }

    private static async Task<IResult> RecentAsync(
        [System.ComponentModel.Description("At most this many jobs, newest first, 1-100 (default 20)")] int? limit, OperationJobs store, CancellationToken ct) =>
        limit is < 1 or > MaxRecent
            ? Problems.Field("limit", $"must be between 1 and {MaxRecent}")
            : Results.Ok(await store.RecentAsync(limit ?? 20, ct));

    /// <summary>The admin key's name (not the key): who asked, for the job list.</summary>
    private static string KeyName(HttpRequest request) => AdminKeyFilter.Authenticate(request.HttpContext)?.Name ?? "";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
