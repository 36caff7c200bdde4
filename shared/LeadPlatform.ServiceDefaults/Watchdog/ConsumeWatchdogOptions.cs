namespace LeadPlatform.ServiceDefaults.Watchdog;

/// <summary>Settings under <c>Bus:Watchdog</c>.</summary>
public sealed class ConsumeWatchdogOptions
{
    public const string Section = "Bus:Watchdog";

    public bool Enabled { get; set; } = true;

    /// <summary>How often the broker is asked about the queues this service consumes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a queue may hold messages with no consumer while this service believes it consumes it. MassTransit
    /// reconnects within seconds of the broker coming back, so this is well past any ordinary reconnect.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(20);
}
