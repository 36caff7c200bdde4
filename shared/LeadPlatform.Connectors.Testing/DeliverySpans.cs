using System.Collections.Concurrent;
using System.Diagnostics;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Connectors.Testing;

/// <summary>The platform's spans that ended in this process, kept so a spec can read a delivery's tags.</summary>
internal sealed class DeliverySpans : IDisposable
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;

    public DeliverySpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LeadPlatformTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The <c>deliver {crm}</c> spans of the lead.</summary>
    public IReadOnlyList<Activity> Of(Guid leadId, string crm) => _ended
        .Where(a => a.OperationName == $"deliver {crm}" && Equals(a.GetTagItem(LeadTags.LeadId)?.ToString(), leadId.ToString()))
        .ToList();

    public void Dispose() => _listener.Dispose();
}
