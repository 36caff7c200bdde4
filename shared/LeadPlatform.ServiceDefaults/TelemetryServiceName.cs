namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// The <c>service.name</c> of a service's traces, metrics and logs: the name docs/observability.md, build/services.sh
/// and the compose files use (<c>ingestion</c>, <c>connector-enquire</c>), not the assembly's
/// (<c>LeadPlatform.Connectors.Enquire</c>). <c>OTEL_SERVICE_NAME</c> overrides it.
/// </summary>
public static class TelemetryServiceName
{
    private const string Prefix = "LeadPlatform.";
    private const string Connectors = "Connectors.";

    public static string For(string applicationName, string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }
        if (!applicationName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return applicationName; // already a short name (tests name their in-process hosts so)
        }
        var name = applicationName[Prefix.Length..];
        return (name.StartsWith(Connectors, StringComparison.Ordinal) ? "connector-" + name[Connectors.Length..] : name)
            .ToLowerInvariant();
    }
}
