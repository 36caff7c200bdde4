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

    // Every spec's account is its own HubSpot portal in production, but they all share this one sandbox and its
    // rate limit (10 a second by default), so back-to-back specs could be throttled by each other. The limits have
    // their own specs (HubSpotSpecs); here they are set out of reach.
    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm, new()
    {
        ["Sandbox:HubSpot:SecondlyLimit"] = "1000",
        ["Sandbox:HubSpot:TenSecondlyLimit"] = "10000",
    });

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
