using System.Diagnostics;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// Two instances of the Salesforce connector on one queue and one database share the org's limits, as HubSpot's
/// instances do: together they stay under the integration's requests per second, and Salesforce's throttling
/// (<c>REQUEST_LIMIT_EXCEEDED</c>) answered to one instance holds the other one back too.
/// </summary>
[TestFixture]
public class SalesforceScaleOutSpecs
{
    private const int Rate = 5;
    private CrmApiPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start() =>
        // A small prefetch so the queue's messages spread over both instances.
        _platform = await CrmApiPlatform.StartAsync("sfscale", salesforceInstances: 2, connectorSettings: new Dictionary<string, string?>
        {
            ["Connector:PrefetchCount"] = "2",
            ["Connector:ConcurrentMessageLimit"] = "2",
        });

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task Two_instances_together_stay_under_the_integration_rate_and_create_each_lead_once()
    {
        await _platform.PutSalesforceIntegrationAsync("sfscale-rate", "sfscale-rate", new { teamUserId = "005TEAM", company = "Acme", maxRequestsPerSecond = Rate });
        const int leads = 12;
        var clock = Stopwatch.StartNew();
        var leadIds = new List<string>();
        for (var i = 0; i < leads; i++)
        {
            leadIds.Add(await _platform.PostLeadAsync(Lead("sfscale-rate", $"sfrate-{i}")));
        }
        foreach (var leadId in leadIds)
        {
            await DeliveredAsync(leadId);
        }
        clock.Stop();

        var created = (await _platform.SandboxApi.RecordsAsync("salesforce", "lead"))
            .Where(r => SandboxClient.Text(r, "Email")?.StartsWith("sfrate-", StringComparison.Ordinal) == true).ToList();
        Assert.That(created, Has.Count.EqualTo(leads), "one Lead per lead");
        // Each new lead is three calls (Lead lookup, Contact lookup, create): 36 calls at 5 a second shared take more
        // than 6 s; two unshared limiters (10 a second) would take about 3 s.
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(3.0 * leads / Rate - 1)));
    }

    [Test]
    public async Task Throttling_answered_to_one_instance_pauses_the_org_for_both()
    {
        await _platform.PutSalesforceIntegrationAsync("sfscale-pause", "sfscale-pause", new { teamUserId = "005TEAM", company = "Acme", requestLimitRetryAfterSeconds = 4 });
        await _platform.SandboxApi.FaultAsync(new { crm = "salesforce", mode = "request-limit", count = 1 });
        var first = await _platform.PostLeadAsync(Lead("sfscale-pause", "sfpause-0"));
        await Eventually.UntilAsync(() => _platform.SandboxApi.RecordsAsync("salesforce", "rate-limited"), r => r.Count == 1,
            TimeSpan.FromSeconds(20), "Salesforce to throttle the first call");
        var throttledAt = Stopwatch.StartNew();

        // Whichever instance takes it, the second lead waits out the pause the first instance was told about.
        var second = await _platform.PostLeadAsync(Lead("sfscale-pause", "sfpause-1"));
        await DeliveredAsync(second);
        Assert.That(throttledAt.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)), "the second lead was held back by the shared pause");
        await DeliveredAsync(first);
        Assert.That(await _platform.SandboxApi.RecordsAsync("salesforce", "rate-limited"), Has.Count.EqualTo(1), "no instance was refused again");
    }

    private static object Lead(string accountId, string sourceLeadId) => new
    {
        source = "chatbot", sourceLeadId, accountId, conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email = $"{sourceLeadId}@example.com", phone = "555-0100" },
    };

    private async Task DeliveredAsync(string leadId)
    {
        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(60));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
    }
}
