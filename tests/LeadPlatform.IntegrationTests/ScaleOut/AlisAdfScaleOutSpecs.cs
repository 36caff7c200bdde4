using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// Three ALIS connector instances on <c>connector-alis</c> and three ADF connector instances on <c>connector-adf</c>,
/// one database: every lead is one record at the sandbox CRM, written once, also when the same <c>LeadConverted</c> is
/// published several times at once (an outbox row relayed twice, a redelivery) and again after it was delivered.
/// ADF goes by email to the sandbox dealer CRM's intake: the mail sink keeps every message it takes, so a second send
/// shows even though the dealer CRM dedupes by prospect id.
/// </summary>
[TestFixture]
public class AlisAdfScaleOutSpecs
{
    private const int Leads = 12;
    private const int Copies = 3;
    private IsolatedEnvironment _environment = null!;
    private InProcessService _sandbox = null!;
    private int _mailPort;
    private readonly List<InProcessService> _connectors = [];
    private SandboxClient SandboxApi => new(_sandbox.Client);

    [OneTimeSetUp]
    public async Task Start()
    {
        _environment = await IsolatedEnvironment.CreateAsync("alisadfscale");
        var config = _environment.ServiceConfiguration();
        _mailPort = FreePort.Next();
        _sandbox = await InProcessService.StartAsync("sandbox-alisadf-scale",
            new Dictionary<string, string?>(config) { ["Sandbox:Mail:Port"] = _mailPort.ToString(CultureInfo.InvariantCulture) },
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        // A small prefetch so the queue's messages spread over the three instances instead of all going to the first.
        var connectorConfig = new Dictionary<string, string?>(config)
        {
            ["Connector:RequestTimeout"] = "00:00:05",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:PrefetchCount"] = "4",
            ["Connector:ConcurrentMessageLimit"] = "4",
        };
        for (var i = 1; i <= 3; i++)
        {
            _connectors.Add(await InProcessService.StartAsync($"connector-alis-{i}", connectorConfig,
                b => { b.AddServiceDefaults(); b.AddConnector<AlisConnector>(AlisConnector.Name); }, a => a.MapDefaultEndpoints()));
            _connectors.Add(await InProcessService.StartAsync($"connector-adf-{i}", connectorConfig,
                b => { b.AddServiceDefaults(); b.AddConnector<AdfConnector>(AdfConnector.Name); }, a => a.MapDefaultEndpoints()));
        }
        foreach (var service in _connectors.Append(_sandbox))
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var connector in _connectors)
        {
            await connector.DisposeAsync();
        }
        await _sandbox.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Test]
    public async Task Three_ALIS_instances_create_each_prospect_once_also_when_the_same_LeadConverted_comes_again()
    {
        const string integrationId = "scale-alis";
        await PutIntegrationAsync(new Integration
        {
            Id = integrationId, AccountId = integrationId, Crm = AlisConnector.Name,
            Endpoint = new Uri(_sandbox.BaseAddress, "alis/v1").ToString(),
            Credentials = new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "sandbox-alis-password" },
            Settings = JsonSerializer.SerializeToElement(new { communityId = 7 }),
        });
        var leads = NewLeads(integrationId, AlisConnector.Name, "alisscale");

        await PublishAsync(leads, Copies);
        await DeliveredAsync(integrationId);
        await AssertOneProspectEachAsync(leads);

        await PublishAsync(leads, 1);
        await DrainedAsync("connector-alis");
        await AssertOneProspectEachAsync(leads);
    }

    [Test]
    public async Task Three_ADF_instances_email_each_lead_once_also_when_the_same_LeadConverted_comes_again()
    {
        const string integrationId = "scale-adf";
        var address = $"{integrationId}@webcontrol.{DealerMailIntake.Domain}";
        await PutIntegrationAsync(new Integration
        {
            Id = integrationId, AccountId = integrationId, Crm = AdfConnector.Name,
            Settings = JsonSerializer.SerializeToElement(new
            {
                delivery = "email",
                email = new { host = "127.0.0.1", port = _mailPort, tls = "none", from = "leads@leadplatform.example", to = new[] { address } },
                dealerProvider = "webcontrol",
            }),
        });
        var leads = NewLeads(integrationId, AdfConnector.Name, "adfscale");

        await PublishAsync(leads, Copies);
        await DeliveredAsync(integrationId);
        await AssertOneEmailAndDealerLeadEachAsync(leads, integrationId, address);

        await PublishAsync(leads, 1);
        await DrainedAsync("connector-adf");
        await AssertOneEmailAndDealerLeadEachAsync(leads, integrationId, address);
    }

    private async Task AssertOneProspectEachAsync(IReadOnlyList<LeadConverted> leads)
    {
        var prospects = await SandboxApi.RecordsAsync("alis", "prospect");
        foreach (var lead in leads)
        {
            var mine = prospects.Where(p => SandboxClient.Text(p, "email") == lead.Lead.Prospect!.Email).ToList();
            Assert.That(mine, Has.Count.EqualTo(1), $"one prospect for lead {lead.LeadId}");
            Assert.That(mine[0].Version, Is.EqualTo(1), $"the prospect of lead {lead.LeadId} was written once");
        }
    }

    private async Task AssertOneEmailAndDealerLeadEachAsync(IReadOnlyList<LeadConverted> leads, string integrationId, string address)
    {
        var mail = await _sandbox.Client.GetFromJsonAsync<List<JsonElement>>($"sandbox/mail?to={address}");
        var dealerLeads = await SandboxApi.RecordsAsync(DealerCrm.Crm("webcontrol"), "lead");
        foreach (var lead in leads)
        {
            Assert.That(mail!.Count(m => m.GetProperty("messageId").GetString() == $"{lead.LeadId:N}.{integrationId}@leadplatform"), Is.EqualTo(1),
                $"one ADF email for lead {lead.LeadId}");
            Assert.That(dealerLeads.Count(l => SandboxClient.Text(l, "prospectId") == lead.LeadId.ToString()), Is.EqualTo(1),
                $"one dealer CRM lead for lead {lead.LeadId}");
        }
        Assert.That(mail, Has.Count.EqualTo(leads.Count));
    }

    private static List<LeadConverted> NewLeads(string integrationId, string crm, string prefix) =>
        Enumerable.Range(0, Leads).Select(i =>
        {
            var leadId = Guid.NewGuid();
            // A phone of its own: ALIS matches an existing prospect by phone too, and would merge the leads.
            return new LeadConverted
            {
                LeadId = leadId,
                AcceptedAt = DateTimeOffset.UtcNow,
                Lead = new Lead
                {
                    Source = "roobrik", SourceLeadId = $"{prefix}-{i}-{leadId:N}", AccountId = integrationId, Conversion = Lead.SalesOptIn,
                    Prospect = new Person { FirstName = "Edith", LastName = $"Clark{i}", Email = $"{prefix}-{i}-{leadId:N}@example.com", Phone = $"555-{i:D4}" },
                },
                Deliveries = [new PlannedDelivery { IntegrationId = integrationId, Crm = crm }],
            };
        }).ToList();

    private Task PutIntegrationAsync(Integration integration) =>
        _connectors[0].Services.GetRequiredService<IntegrationStore>().UpsertAsync(integration);

    /// <summary>As the outbox relay publishes them, each <paramref name="copies"/> times at once (a row relayed twice, a redelivery).</summary>
    private Task PublishAsync(IEnumerable<LeadConverted> leads, int copies)
    {
        var bus = _connectors[0].Services.GetRequiredService<IBus>();
        return Task.WhenAll(leads.SelectMany(lead => Enumerable.Range(0, copies).Select(_ => bus.Publish(lead))));
    }

    private async Task DeliveredAsync(string integrationId)
    {
        await using var dataSource = _environment.CreateDataSource();
        await Eventually.UntilAsync(async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                return await connection.ExecuteScalarAsync<long>(
                    "select count(*) from delivery.ledger where integration_id = @integrationId and state = 'delivered'", new { integrationId }) == Leads;
            },
            TimeSpan.FromSeconds(60), $"all {Leads} leads delivered to {integrationId}");
    }

    /// <summary>Every copy consumed (acknowledged), so a duplicate delivery would have happened by now.</summary>
    private async Task DrainedAsync(string queue)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(async () => await _environment.QueueDepthAsync(queue) == 0, TimeSpan.FromSeconds(30), $"{queue} drained");
    }
}
