using System.Diagnostics;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Work that happens for a lead long after its trace ended (a CRM disposition coming back days later) gets a
/// trace of its own with a link to the lead's trace, so Jaeger shows one from the other. The lead's trace context
/// is the <c>trace_parent</c> kept with it (delivery ledger, outbox).
/// </summary>
public static class LeadTraceLinks
{
    public static Activity? StartLinked(string name, string? leadTraceParent, ActivityKind kind = ActivityKind.Internal)
    {
        ActivityLink[]? links = leadTraceParent is not null && ActivityContext.TryParse(leadTraceParent, null, out var lead)
            ? [new ActivityLink(lead)]
            : null;
        return LeadPlatformTelemetry.Source.StartActivity(name, kind, parentContext: default, links: links);
    }
}
