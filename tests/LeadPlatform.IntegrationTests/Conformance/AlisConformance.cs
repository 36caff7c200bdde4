using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

[TestFixture]
public class AlisConformance : ConnectorConformanceSpecs
{
    protected override string Crm => AlisConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddConnector<AlisConnector>(AlisConnector.Name);

    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm);

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = new Uri(standIn.BaseAddress, "alis/v1").ToString(),
        Credentials = new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "sandbox-alis-password" },
    };
}
