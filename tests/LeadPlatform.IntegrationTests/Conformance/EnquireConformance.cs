using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

[TestFixture]
public class EnquireConformance : ConnectorConformanceSpecs
{
    protected override string Crm => EnquireConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddConnector<EnquireConnector>(EnquireConnector.Name);

    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm);

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = new Uri(standIn.BaseAddress, "enquire/v1").ToString(),
        Credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key" },
    };
}
