namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// <c>Webhooks:*</c>. A failed send is retried after <see cref="FirstRetry"/>, doubling each time up to
/// <see cref="MaxRetry"/>; after <see cref="MaxAttempts"/> sends it is marked failed (replayable). The defaults span
/// about a day and a half, so a subscriber down for hours still gets every event.
/// </summary>
public sealed class WebhookOptions
{
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetry { get; set; } = TimeSpan.FromHours(1);
    public int MaxAttempts { get; set; } = 40;
    /// <summary>How often the sender looks for due events when it found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>A claimed event is not claimed again by another instance for this long (the send's time-out is shorter).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int BatchSize { get; set; } = 20;
    /// <summary>Plain http URLs on localhost (tests, Development). Elsewhere subscriptions must use https.</summary>
    public bool AllowLocalHttp { get; set; }

    /// <summary>The wait before the next send after <paramref name="attempts"/> failed ones, with ±20 % jitter.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var exponential = FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, MaxRetry.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }
}
