using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Salesforce;
using Microsoft.AspNetCore.Builder;

namespace LeadPlatform.Testing;

/// <summary>
/// A shipped connector as a <see cref="TestPlatform"/> hosts it: its registration (as its Program.cs does it), and
/// where and with what credentials an integration reaches its stand-in in the CRM sandbox.
/// </summary>
/// <param name="SandboxPath">The connector's endpoint below the sandbox's base address.</param>
public sealed record Crm(string Name, Action<WebApplicationBuilder> Add, string SandboxPath, IReadOnlyDictionary<string, string> SandboxCredentials)
{
    public static readonly Crm Enquire = new(EnquireConnector.Name, b => b.AddConnector<EnquireConnector>(EnquireConnector.Name), "enquire/v1",
        new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key" });

    public static readonly Crm Alis = new(AlisConnector.Name, b => b.AddConnector<AlisConnector>(AlisConnector.Name), "alis/v1",
        new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "sandbox-alis-password" });

    public static readonly Crm Salesforce = new(SalesforceConnector.Name, b => b.AddSalesforceConnector(), "",
        new Dictionary<string, string>
        {
            ["clientId"] = "sandbox-sf-client",
            ["clientSecret"] = "sandbox-sf-secret",
            ["refreshToken"] = "sandbox-sf-refresh-token",
        });

    public static readonly Crm HubSpot = new(HubSpotConnector.Name, b => b.AddHubSpotConnector(), "",
        new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" });

    public static readonly Crm Adf = new(AdfConnector.Name, b => b.AddConnector<AdfConnector>(AdfConnector.Name), "adf/v1/leads",
        new Dictionary<string, string>());

    /// <summary>The role (and application name) of its connector service: <c>connector-enquire</c>.</summary>
    public string Role => "connector-" + Name;
}
