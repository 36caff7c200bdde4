namespace LeadPlatform.Connectors;

/// <summary>Bound from the <c>Connector</c> configuration section.</summary>
public sealed class ConnectorOptions
{
    /// <summary>Lower-case CRM name; the queue is <c>connector-{Crm}</c>.</summary>
    public string Crm { get; set; } = "";
    /// <summary>In-memory tries of one delivery before it is handed to the scheduled retries.</summary>
    public int InMemoryAttempts { get; set; } = 3;
    public TimeSpan InMemoryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>A Retry-After longer than this is not waited out in memory: the delivery is scheduled instead.</summary>
    public TimeSpan MaxInMemoryWait { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a claimed delivery is held before another worker may take it over (crash recovery).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Scheduled retries back off from this, doubling, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>After this long since acceptance, a delivery that still fails is given up as failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan RetryPollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public int CircuitBreakerFailures { get; set; } = 5;
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often a breaker that is not closed is reported again, so the overview can tell a gone instance's breaker.</summary>
    public TimeSpan CircuitReportInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// Deliveries worked at once. A delivery mostly waits (the CRM, the ledger's group commits, the broker's
    /// confirm), so the benchmark's delivery rate grew from 16 to 64 to 256 (678 -> 745-795 delivered/s; p99 at
    /// 250 leads/s 403 -> 188 ms); a CRM with a per-second limit is held to it by its connector (HubSpot), not by this.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 256;
    public int PrefetchCount { get; set; } = 512;
}
