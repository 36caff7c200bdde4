using System.Diagnostics;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Connectors;

internal static class ConnectorTelemetry
{
    public static Activity? StartRetry(ActivityContext parent) =>
        LeadPlatformTelemetry.Source.StartActivity("scheduled retry", ActivityKind.Internal, parent);
}
