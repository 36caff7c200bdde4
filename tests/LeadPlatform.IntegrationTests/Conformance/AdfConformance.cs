using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

/// <summary>ADF by HTTP POST: the dealer CRM answers a resent prospect id with the lead it holds.</summary>
[TestFixture]
public class AdfConformance : ConnectorConformanceSpecs
{
    protected override string Crm => AdfConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddConnector<AdfConnector>(AdfConnector.Name);

    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm);

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = new Uri(standIn.BaseAddress, "adf/v1/leads").ToString(),
        Settings = Settings(new { delivery = AdfSettings.HttpDelivery, vendor = new { name = "Acme Motors", phone = "555-0199" } }),
    };
}
