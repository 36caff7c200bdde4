using System.Diagnostics;

namespace LeadPlatform.ServiceDefaults;

public static class RecordedSpans
{
    /// <summary>
    /// The span if it is recorded, else null. A propagation-only span (<see cref="PropagationOnlySpans"/>) keeps no
    /// tag anyone reads, yet each <c>SetTag</c> on it would still allocate a node, and a box for a value type.
    /// </summary>
    public static Activity? IfRecorded(this Activity? span) => span is { IsAllDataRequested: true } ? span : null;
}
