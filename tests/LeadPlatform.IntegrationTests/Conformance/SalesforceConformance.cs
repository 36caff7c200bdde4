using System.Text.Json;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.IntegrationTests.Conformance;

[TestFixture]
public class SalesforceConformance : UpdatingConnectorConformanceSpecs
{
    protected override string Crm => SalesforceConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddSalesforceConnector();

    protected override Task<ICrmStandIn> StartStandInAsync() => SandboxStandIn.StartAsync(Crm);

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = standIn.BaseAddress.ToString(),
        Credentials = new Dictionary<string, string>
        {
            ["clientId"] = "sandbox-sf-client",
            ["clientSecret"] = "sandbox-sf-secret",
            ["refreshToken"] = "sandbox-sf-refresh-token",
        },
        Settings = Settings(new { teamUserId = "005TEAM" }),
    };

    protected override JsonElement SettingsWithFieldUpdates(string policy) => Settings(new
    {
        teamUserId = "005TEAM",
        usageProfile = new { fieldUpdates = policy, customFieldsInNotes = true, fieldMapping = new Dictionary<string, string> { ["budget"] = "Budget__c" } },
    });
}
