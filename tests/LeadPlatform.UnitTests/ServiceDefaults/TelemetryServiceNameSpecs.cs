using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using LeadPlatform.UnitTests.Deploy;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>Traces carry the service names docs/observability.md and build/services.sh use, not assembly names.</summary>
public class TelemetryServiceNameSpecs
{
    public static IEnumerable<TestCaseData> Services() =>
        ServicesScript.Rows().Select(r => new TestCaseData(r.Name, r.Assembly).SetArgDisplayNames(r.Name));

    [TestCaseSource(nameof(Services))]
    public void A_service_process_reports_its_documented_name(string name, string assembly)
    {
        Assert.That(TelemetryServiceName.For(assembly), Is.EqualTo(name));
        Assert.That(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "observability.md")), Does.Contain($"`{name}`"),
            "docs/observability.md names the service as traces show it");
    }

    [Test]
    public void OTEL_SERVICE_NAME_overrides_it() =>
        Assert.That(TelemetryServiceName.For("LeadPlatform.Ingestion", "ingestion-eu"), Is.EqualTo("ingestion-eu"));
}
