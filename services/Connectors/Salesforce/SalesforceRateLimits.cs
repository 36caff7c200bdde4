namespace LeadPlatform.Connectors.Salesforce;

/// <summary>
/// Salesforce's limits shared by every instance of the connector, as HubSpot's are (the pipeline's
/// <see cref="SharedRateLimiter"/>, in PostgreSQL): an integration's optional requests per second, and the pause after
/// <c>REQUEST_LIMIT_EXCEEDED</c>, which holds back every instance's calls for that org instead of each instance
/// discovering the throttling by its own refused calls.
/// </summary>
public sealed class SalesforceRateLimits(SharedRateLimiter shared)
{
    /// <summary>No per-second limit configured: only pauses are shared (Salesforce's own limits are daily and concurrent).</summary>
    private const int Unlimited = 100_000;

    private static string Key(string integrationId) => $"salesforce:{integrationId}";

    public Task WaitAsync(string integrationId, int? requestsPerSecond, CancellationToken ct) =>
        shared.WaitAsync(Key(integrationId), requestsPerSecond ?? Unlimited, ct);

    public Task PauseAsync(string integrationId, TimeSpan forHowLong, CancellationToken ct) =>
        shared.PauseAsync(Key(integrationId), forHowLong, ct);
}
