using System.Diagnostics;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// The moving average of the time between a group commit's writes, to tell a busy writer from a quiet one. It starts
/// quiet (one second), and one long pause makes it quiet again: each gap weighs a sixteenth, so a short burst at a
/// low rate does not make it busy.
/// </summary>
internal sealed class ArrivalGap
{
    private readonly Lock _lock = new();
    private long _last;
    private double _meanTicks = Stopwatch.Frequency;

    public void Arrived()
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_last != 0)
            {
                _meanTicks += (now - _last - _meanTicks) / 16;
            }
            _last = now;
        }
    }

    public TimeSpan Mean => TimeSpan.FromSeconds(Volatile.Read(ref _meanTicks) / Stopwatch.Frequency);
}
