namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// <c>Retention</c>: how long copies of a lead that the platform no longer needs are kept before they are purged.
/// Periods are <c>d.hh:mm:ss</c> (<c>Retention__PublishedOutbox=3.00:00:00</c>).
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>An outbox row after the relay published it (its payload is the whole lead).</summary>
    public TimeSpan PublishedOutbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A delivery ledger message after the delivery finished (delivered or failed) and its outcome was published.</summary>
    public TimeSpan FinishedLedger { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each sweep runs (one instance at a time).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows per statement, so a sweep never holds many row locks at once.</summary>
    public int BatchSize { get; set; } = 1000;
}
