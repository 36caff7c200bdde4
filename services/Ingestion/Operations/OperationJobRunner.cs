namespace LeadPlatform.Ingestion.Operations;

/// <summary>
/// Runs queued <see cref="OperationJob"/>s: claims one under a lease, works it in batches (renewing the lease with each
/// progress write), and takes over a job whose instance died once its lease ran out. A bulk replay goes through
/// <see cref="FailedDeliveries.ReplayAsync(DeliveryFilter, int, CancellationToken)"/>, which only picks deliveries still
/// failed, so a job resumed by another instance replays each delivery once. A drain resumed elsewhere moves what is
/// still waiting.
/// </summary>
public sealed class OperationJobRunner(OperationJobs jobs, FailedDeliveries failures, ErrorQueues queues, IConfiguration configuration,
    ILogger<OperationJobRunner> logger) : BackgroundService
{
    public const int ReplayBatch = 100;
    public const int DrainChunk = 1000;
    private const int MaxReplayBatches = 10_000;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly TimeSpan _lease = configuration.GetValue("Operations:JobLease", TimeSpan.FromSeconds(30));
    private readonly TimeSpan _poll = configuration.GetValue("Operations:JobPoll", TimeSpan.FromSeconds(1));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_poll);
        do
        {
            try
            {
                while (await jobs.ClaimAsync(_owner, _lease, stoppingToken) is { } job)
                {
                    await RunAsync(job, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Operation jobs not claimed ({Message})", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunAsync(OperationJob job, CancellationToken ct)
    {
        logger.LogInformation("Operation job {JobId} ({Kind}) claimed", job.Id, job.Kind);
        try
        {
            var (failed, result) = job.Kind == OperationJob.Replay ? await ReplayAsync(job, ct) : await DrainAsync(job, ct);
            if (result is not null)
            {
                await jobs.FinishAsync(job.Id, _owner, failed, result, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await jobs.ReleaseAsync(job.Id, _owner, CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Broker or database trouble: the job is marked failed with the reason (no personal data in either).
            logger.LogWarning(ex, "Operation job {JobId} failed", job.Id);
            await jobs.FinishAsync(job.Id, _owner, failed: true, $"Stopped: {ex.Message}", CancellationToken.None);
        }
    }

    /// <summary>(failed, result line); a null result when the lease was lost, so the new owner finishes the job.</summary>
    private async Task<(bool, string?)> ReplayAsync(OperationJob job, CancellationToken ct)
    {
        var p = job.Params;
        // Bounded by when the job was queued, so a delivery that fails again during the replay is not picked up twice.
        var filter = new DeliveryFilter(p.Crm, p.Integration, p.Since, p.Before ?? job.CreatedAt);
        int? total = job.Total is null ? await failures.CountFailedAsync(filter, ct) : null;
        var replayed = job.Done;
        for (var batch = job.Steps.Count + 1; batch <= MaxReplayBatches; batch++)
        {
            var count = (await failures.ReplayAsync(filter, ReplayBatch, ct)).Count;
            replayed += count;
            if (!await jobs.ProgressAsync(job.Id, _owner, _lease, count, 0, count > 0 ? $"Batch {batch}: {count} replayed" : null, total, ct))
            {
                return (false, null);
            }
            total = null;
            if (count == 0)
            {
                break;
            }
        }
        return (false, $"Replay of {replayed} failed deliveries scheduled.");
    }

    private async Task<(bool, string?)> DrainAsync(OperationJob job, CancellationToken ct)
    {
        var all = await queues.ListAsync(ct);
        var waiting = all.Where(q => q.Messages > 0 && (job.Params.Queue is null || q.Queue == job.Params.Queue)).ToList();
        int? total = job.Total is null ? waiting.Sum(q => q.Messages) : null;
        if (!await jobs.ProgressAsync(job.Id, _owner, _lease, 0, 0, null, total, ct))
        {
            return (false, null);
        }
        var moved = job.Done;
        var failedQueues = 0;
        foreach (var queue in waiting)
        {
            string step;
            int count = 0, failed = 0;
            if (await queues.DepthAsync(queue.SourceQueue, ct) is null)
            {
                failed = queue.Messages;
                failedQueues++;
                step = $"{queue.Queue}: source queue {queue.SourceQueue} does not exist";
            }
            else
            {
                // In chunks, each counted and renewing the lease; never more than waited when the job looked.
                int chunk;
                do
                {
                    chunk = await queues.DrainAsync(queue.Queue, Math.Min(DrainChunk, queue.Messages - count), ct);
                    count += chunk;
                    if (chunk > 0 && !await jobs.ProgressAsync(job.Id, _owner, _lease, chunk, 0, null, null, ct))
                    {
                        return (false, null);
                    }
                }
                while (chunk == DrainChunk && count < queue.Messages);
                step = $"{queue.Queue}: moved {count} to {queue.SourceQueue}";
            }
            moved += count;
            if (!await jobs.ProgressAsync(job.Id, _owner, _lease, 0, failed, step, null, ct))
            {
                return (false, null);
            }
        }
        return (failedQueues > 0 && failedQueues == waiting.Count,
            $"Drained {waiting.Count - failedQueues} error queues: {moved} messages moved back.");
    }
}
