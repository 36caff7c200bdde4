using Acme.Connector;
using Acme.StandIn;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Integrations;
using Microsoft.AspNetCore.Builder;
using NUnit.Framework;

namespace Acme.Tests;

/// <summary>The platform's conformance specifications, run on the Acme connector against the Acme stand-in.</summary>
[TestFixture]
public class AcmeConformance : ConnectorConformanceSpecs
{
    protected override string Crm => AcmeConnector.Name;

    protected override void AddConnector(WebApplicationBuilder builder) => builder.AddConnector<AcmeConnector>(AcmeConnector.Name);

    protected override Task<ICrmStandIn> StartStandInAsync() => AcmeStandIn.StartAsync();

    protected override Integration NewIntegration(string id, string accountId, ICrmStandIn standIn) => new()
    {
        Id = id,
        AccountId = accountId,
        Endpoint = standIn.BaseAddress.ToString(),
        Credentials = new Dictionary<string, string> { ["apiKey"] = AcmeStandIn.ApiKey },
    };
}
