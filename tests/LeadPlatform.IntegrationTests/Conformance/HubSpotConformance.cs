using System.Text.Json;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

[TestFixture]
public class HubSpotConformance : UpdatingConnectorConformanceSpecs
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

    protected override JsonElement SettingsWithFieldUpdates(string policy) => Settings(new
    {
        usageProfile = new { fieldUpdates = policy, customFieldsInNotes = true },
    });
}
