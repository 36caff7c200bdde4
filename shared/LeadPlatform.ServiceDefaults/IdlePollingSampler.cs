using System.Diagnostics;
using OpenTelemetry.Trace;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Background polling makes no trace unless it finds work. A poll (outbox relay leftovers, scheduled retries, the
/// outbox backlog sample, the disposition poller's CRM feeds, lease and migration queries) is a database or HTTP call
/// with no span around it: a root span of kind Client. Those are dropped. Work a poll finds starts a span of its own
/// (<c>outbox relay</c>, <c>scheduled retry</c>, a disposition's linked span), sampled as usual, and the calls inside
/// it are its children. Calls made while handling a request or a message have a parent and are kept. Local children
/// follow their parent's decision. A dropped call still carries a (not sampled) trace context to whoever it calls, so
/// a request or message arriving with a remote parent is always recorded, sampled flag or not: the platform records
/// every trace it starts, and a dropped poll must not silence the service it called.
/// </summary>
public sealed class IdlePollingSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private readonly ParentBasedSampler _parentBased = new(new RootSampler(),
        remoteParentSampled: new AlwaysOnSampler(), remoteParentNotSampled: new AlwaysOnSampler(),
        localParentSampled: new AlwaysOnSampler(), localParentNotSampled: new AlwaysOffSampler());

    public IdlePollingSampler() => Description = nameof(IdlePollingSampler);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => _parentBased.ShouldSample(samplingParameters);

    private sealed class RootSampler : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Kind == ActivityKind.Client ? Drop : Keep;
    }
}
