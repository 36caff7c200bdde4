using System.Diagnostics;
using LeadPlatform.ServiceDefaults;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>A background poll's database or HTTP call (a root Client span) makes no trace; work it finds does.</summary>
public class IdlePollingSamplerSpecs
{
    [Test]
    public void A_call_outside_any_span_is_dropped_and_work_with_its_calls_is_kept()
    {
        using var source = new ActivitySource("idle-polling-specs");
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(source.Name).SetSampler(new IdlePollingSampler()).AddProcessor(new Capture(exported)).Build())
        {
            using (var poll = source.StartActivity("select outbox", ActivityKind.Client))
            {
                Assert.That(poll is null || !poll.Recorded, Is.True, "an idle poll's query is not traced");
            }
            using (var work = source.StartActivity("scheduled retry"))
            {
                Assert.That(work, Is.Not.Null);
                using var call = source.StartActivity("POST crm", ActivityKind.Client);
                Assert.That(call, Is.Not.Null, "a call inside found work is its child");
            }
            using (var request = source.StartActivity("POST /v1/leads", ActivityKind.Server))
            {
                Assert.That(request, Is.Not.Null, "a request starts a trace");
            }
            var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
            using (var consume = source.StartActivity("connector-enquire receive", ActivityKind.Consumer, remote))
            {
                Assert.That(consume, Is.Not.Null, "a message's span follows its sampled parent");
            }
            var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
            using (var webhook = source.StartActivity("POST /v1/dispositions", ActivityKind.Server, dropped))
            {
                Assert.That(webhook?.Recorded, Is.True, "a request from a dropped background call is still recorded");
            }
        }
        Assert.That(exported.Select(a => a.DisplayName), Is.EquivalentTo(new[] { "POST crm", "scheduled retry", "POST /v1/leads", "connector-enquire receive", "POST /v1/dispositions" }));
    }

    private sealed class Capture(List<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Add(data);
    }
}
