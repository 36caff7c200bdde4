using System.Globalization;
using System.Text.RegularExpressions;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.Bench;

/// <summary>One sample of a service's Prometheus text (<c>/metrics</c>): its name, its labels as written, its value.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value);

public static partial class PrometheusSamples
{
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex Line();

    public static async Task<List<PrometheusSample>> ScrapeAsync(ServiceProcess service) =>
        Line().Matches(await service.Client.GetStringAsync(LeadPlatformTelemetry.MetricsPath.TrimStart('/')))
            .Select(m => new PrometheusSample(m.Groups["name"].Value, m.Groups["labels"].Value,
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Each service's samples by its name, scraped once for every reader; a service that does not answer is left out.</summary>
    public static async Task<Dictionary<string, List<PrometheusSample>>> ScrapeEachAsync(IEnumerable<ServiceProcess> services)
    {
        var scrapes = new Dictionary<string, List<PrometheusSample>>();
        foreach (var service in services)
        {
            try
            {
                scrapes[service.Name] = await ScrapeAsync(service);
            }
            catch (HttpRequestException)
            {
            }
        }
        return scrapes;
    }
}
