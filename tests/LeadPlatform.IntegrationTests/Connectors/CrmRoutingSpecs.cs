using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Contracts;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// A lead reaches only the connectors of its planned CRMs (<see cref="CrmRoute"/>, <see cref="CrmRouting"/>), on the
/// real broker: ingestion, the ALIS and Enquire connectors and the sandbox. Each "did not reach" is read after a later
/// message to the same queue was consumed, so the earlier one would have been there first.
/// </summary>
public sealed class CrmRoutingSpecs
{
    private TestPlatform _platform = null!;
    private readonly Dictionary<Crm, ConsumedLeads> _consumed = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await TestPlatform.Create("crmrouting")
            .WithSandbox()
            .WithIngestion(s => s.AsAdmin())
            .WithConnector(Crm.Alis)
            .WithConnector(Crm.Enquire)
            .StartAsync();
        Observe(Crm.Alis, _platform.Connector(Crm.Alis));
        Observe(Crm.Enquire, _platform.Connector(Crm.Enquire));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task Each_lead_reaches_only_the_connectors_of_its_planned_crms()
    {
        var enquireOnly = await AccountAsync(Crm.Enquire);
        var alisOnly = await AccountAsync(Crm.Alis);
        var both = await AccountAsync(Crm.Alis, Crm.Enquire);

        var forEnquire = await PostLeadAsync(enquireOnly);
        await ConsumedAsync(Crm.Enquire, forEnquire);
        var forAlis = await PostLeadAsync(alisOnly);
        await ConsumedAsync(Crm.Alis, forAlis);
        var forBoth = await PostLeadAsync(both);
        await ConsumedAsync(Crm.Alis, forBoth);
        await ConsumedAsync(Crm.Enquire, forBoth);

        Assert.Multiple(() =>
        {
            Assert.That(_consumed[Crm.Alis].Count(forEnquire), Is.Zero, "an Enquire-only lead in the ALIS queue");
            Assert.That(_consumed[Crm.Enquire].Count(forAlis), Is.Zero, "an ALIS-only lead in the Enquire queue");
        });
    }

    [Test]
    public async Task Each_update_reaches_only_the_connectors_of_its_planned_crms()
    {
        var forEnquire = await PostLeadAsync(await AccountAsync(Crm.Enquire));
        var forAlis = await PostLeadAsync(await AccountAsync(Crm.Alis));
        await ConsumedAsync(Crm.Enquire, forEnquire);
        await ConsumedAsync(Crm.Alis, forAlis);

        await PatchPhoneAsync(forEnquire);
        await UpdatedAsync(Crm.Enquire, forEnquire);
        await PatchPhoneAsync(forAlis);
        await UpdatedAsync(Crm.Alis, forAlis);

        Assert.That(_consumed[Crm.Alis].Updates(forEnquire), Is.Zero, "an Enquire-only lead's update in the ALIS queue");
    }

    [Test]
    public async Task A_lead_message_without_a_routing_key_reaches_every_connector()
    {
        // As an older ingestion (or a connector team's test) publishes it: plain, no key.
        var message = Converted();
        await _platform.Ingestion.Services.GetRequiredService<IBus>().Publish(message);

        await ConsumedAsync(Crm.Alis, message.LeadId);
        await ConsumedAsync(Crm.Enquire, message.LeadId);
    }

    [Test]
    public async Task A_connector_removes_the_direct_binding_an_earlier_version_made()
    {
        var bus = _platform.Ingestion.Services.GetRequiredService<IBus>();
        var alisQueue = $"connector-{Crm.Alis.Name}";
        await using (var connection = await new ConnectionFactory { Uri = new Uri(_platform.Environment.RabbitMqUri) }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeBindAsync(destination: alisQueue, source: CrmRouting.MessageExchange<LeadConverted>(), routingKey: "");
        }
        var throughOldBinding = Converted();
        await bus.Publish(throughOldBinding, ctx => ctx.SetRoutingKey(Crm.Enquire.Name));
        await ConsumedAsync(Crm.Alis, throughOldBinding.LeadId);

        Observe(Crm.Alis, await _platform.RestartAsync(Crm.Alis.Role));
        await Eventually.UntilAsync(() => _platform.Environment.BindingSourcesAsync(alisQueue),
            sources => !sources.Contains(CrmRouting.MessageExchange<LeadConverted>()), TimeSpan.FromSeconds(15), "the direct binding removed");

        var forEnquire = Converted();
        var forAlis = Converted();
        await bus.Publish(forEnquire, ctx => ctx.SetRoutingKey(Crm.Enquire.Name));
        await bus.Publish(forAlis, ctx => ctx.SetRoutingKey(Crm.Alis.Name));
        await ConsumedAsync(Crm.Alis, forAlis.LeadId);
        await ConsumedAsync(Crm.Enquire, forEnquire.LeadId);
        Assert.That(_consumed[Crm.Alis].Count(forEnquire.LeadId), Is.Zero, "the direct binding still carries every lead to ALIS");
    }

    private void Observe(Crm crm, InProcessService connector)
    {
        _consumed[crm] = new ConsumedLeads();
        connector.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed[crm]);
    }

    private Task ConsumedAsync(Crm crm, Guid leadId) =>
        Eventually.UntilAsync(() => Task.FromResult(_consumed[crm].Count(leadId) > 0), TimeSpan.FromSeconds(15), $"{crm.Name} consumed {leadId}");

    private Task UpdatedAsync(Crm crm, Guid leadId) =>
        Eventually.UntilAsync(() => Task.FromResult(_consumed[crm].Updates(leadId) > 0), TimeSpan.FromSeconds(15), $"{crm.Name} consumed an update of {leadId}");

    private async Task PatchPhoneAsync(Guid leadId)
    {
        using var response = await _platform.Ingestion.Client.PatchAsync($"v1/leads/{leadId}",
            new StringContent("""{ "prospect": { "phone": "555-0142" } }""", System.Text.Encoding.UTF8, "application/merge-patch+json"));
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> AccountAsync(params Crm[] crms)
    {
        var account = $"route-{Guid.NewGuid():N}"[..17];
        foreach (var crm in crms)
        {
            await _platform.PutSandboxIntegrationAsync($"{account}-{crm.Name}", account, crm);
        }
        return account;
    }

    private async Task<Guid> PostLeadAsync(string account)
    {
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik",
            sourceLeadId = Guid.NewGuid().ToString("N"),
            accountId = account,
            conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            prospect = new { firstName = "Ruth", lastName = "Banks", email = $"ruth.{Guid.NewGuid():N}@example.com" },
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    /// <summary>A lead message planned for nobody: consumed, and nothing claimed or pushed.</summary>
    private static LeadConverted Converted() => new()
    {
        LeadId = Guid.NewGuid(),
        AcceptedAt = DateTimeOffset.UtcNow,
        Lead = new Lead
        {
            Source = "roobrik",
            SourceLeadId = Guid.NewGuid().ToString("N"),
            AccountId = "nobody",
            Conversion = "sales-opt-in",
            OccurredAt = DateTimeOffset.UtcNow,
            Prospect = new Person { FirstName = "Ruth", LastName = "Banks" },
        },
        Deliveries = [],
    };
}
