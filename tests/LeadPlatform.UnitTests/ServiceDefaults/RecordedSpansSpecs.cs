using System.Diagnostics;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.UnitTests.ServiceDefaults;

public class RecordedSpansSpecs
{
    private static readonly string SourceName = $"{nameof(RecordedSpansSpecs)}-{Guid.NewGuid():N}";

    [Test]
    public void A_propagation_only_span_takes_no_tags_and_a_recorded_one_does()
    {
        using var source = new ActivitySource(SourceName);
        var sampling = ActivitySamplingResult.PropagationData;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => sampling,
        };
        ActivitySource.AddActivityListener(listener);

        using (var propagationOnly = source.StartActivity("propagation only"))
        {
            Assert.That(propagationOnly, Is.Not.Null, "a propagation-only span still exists, to carry the trace id");
            Assert.That(propagationOnly.IfRecorded(), Is.Null);
        }

        sampling = ActivitySamplingResult.AllDataAndRecorded;
        using var recorded = source.StartActivity("recorded");
        recorded.IfRecorded()?.SetTag(LeadTags.LeadId, "lead-1");
        Assert.That(recorded!.GetTagItem(LeadTags.LeadId), Is.EqualTo("lead-1"));
        Assert.That(((Activity?)null).IfRecorded(), Is.Null, "no span at all (nobody listens)");
    }
}
