using System.Collections.Concurrent;

namespace LeadPlatform.OperatorConsole;

/// <summary>
/// Long operations (a bulk replay, draining every error queue) run in the background of the console, so their page can
/// show progress while they run (<c>/Jobs/{id}</c> reloads itself; no script). In memory: a console restart forgets a
/// job's page, not what the services already did. Each job is shown only to the person who started it.
/// </summary>
public sealed class ConsoleJobs(ILogger<ConsoleJobs> logger)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, Job> _jobs = new();

    public sealed class Job(string title, string owner, string backTo)
    {
        private readonly ConcurrentQueue<string> _steps = new();
        public Guid Id { get; } = Guid.NewGuid();
        public string Title { get; } = title;
        public string Owner { get; } = owner;
        public string BackTo { get; } = backTo;
        public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
        public volatile string Progress = "Starting…";
        public volatile string? Result;
        public volatile bool Failed;
        public bool Running => Result is null;
        public IReadOnlyCollection<string> Steps => _steps;
        public void Step(string step) => _steps.Enqueue(step);
    }

    /// <summary>Starts <paramref name="work"/>; it reports progress on the job and returns the result line.</summary>
    public Job Start(string title, string owner, string backTo, Func<Job, CancellationToken, Task<string>> work)
    {
        foreach (var old in _jobs.Values.Where(j => !j.Running && DateTimeOffset.UtcNow - j.StartedAt > KeepFor))
        {
            _jobs.TryRemove(old.Id, out _);
        }
        var job = new Job(title, owner, backTo);
        _jobs[job.Id] = job;
        _ = Task.Run(async () =>
        {
            try
            {
                job.Result = await work(job, CancellationToken.None);
            }
            catch (Exception ex) when (ex is HttpRequestException or KeyRefusedException or InvalidOperationException or TaskCanceledException)
            {
                logger.LogWarning(ex, "Console job {Title} stopped", title);
                job.Failed = true;
                job.Result = $"Stopped: {ex.Message}";
            }
        });
        return job;
    }

    public Job? Find(Guid id, string owner) => _jobs.TryGetValue(id, out var job) && job.Owner == owner ? job : null;
}
