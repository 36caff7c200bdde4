using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

[TestFixture]
public class HubSpotConformance : ConnectorConformanceSpecs
{
    protected override string Crm => HubSpotConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddHubSpotConnector();

    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm);

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = standIn.BaseAddress.ToString(),
        Credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" },
    };

    /// <summary>
    /// A chat CRM records the visitor, not a submitter: the connector ignores <c>Lead.Contact</c>, so the on-behalf
    /// lead gives the prospect the submitter's email (the person the CRM can reach).
    /// </summary>
    protected override Lead OnBehalfLead(string accountId, string email)
    {
        var lead = base.OnBehalfLead(accountId, email);
        return lead with { Prospect = lead.Prospect with { Email = email } };
    }
}
