using System.Net.Http.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.BrowserTests;

/// <summary>
/// Each CRM's circuit on the overview: an ALIS connector of its own (a breaker that opens after 2 failures and
/// tries again after 2 s) reports its breaker, ingestion records it, the overview shows it, from open back to closed.
/// </summary>
public partial class ConsoleSpecs
{
    private const string CircuitAccount = "circuit-senior";

    [Test]
    public async Task The_overview_shows_a_crm_circuit_open_while_the_crm_fails_and_closed_after_it_recovers()
    {
        var config = _platform.Environment.ServiceConfiguration();
        config["Connector:RequestTimeout"] = "00:00:01";
        config["Connector:InMemoryBaseDelay"] = "00:00:00.050";
        config["Connector:RetryBaseDelay"] = "00:00:00.500";
        config["Connector:MaxRetryDelay"] = "00:00:01";
        config["Connector:RetryPollInterval"] = "00:00:00.250";
        config["Connector:CircuitBreakerFailures"] = "2";
        config["Connector:CircuitBreakDuration"] = "00:00:02";
        await using var alis = await InProcessService.StartAsync("connector-alis", config,
            b => { b.AddServiceDefaults(); b.AddConnector<AlisConnector>(AlisConnector.Name); }, a => a.MapDefaultEndpoints());
        await Eventually.UntilAsync(async () => (await alis.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "the ALIS connector to be ready");
        using var put = await _platform.Ingestion.Client.PutAsJsonAsync($"v1/integrations/{CircuitAccount}-alis", new
        {
            accountId = CircuitAccount,
            crm = AlisConnector.Name,
            endpoint = new Uri(_platform.SandboxAddress, "alis/v1").ToString(),
            credentials = new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "sandbox-alis-password" },
            settings = new { },
        });
        Assert.That(put.IsSuccessStatusCode, Is.True, await put.Content.ReadAsStringAsync());

        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        var alisCircuit = page.Locator("#circuits tr[data-crm=alis] td").Nth(1);
        await _platform.Sandbox.FaultAsync(new { crm = AlisConnector.Name, mode = "down" });
        try
        {
            var lead = await _platform.SubmitAsync(CircuitAccount, $"browser-{Run}-circuit", $"circuit.{Run}@example.com");
            await Eventually.UntilAsync(async () =>
            {
                await page.GotoAsync("/Overview");
                return await alisCircuit.InnerTextAsync() == "open";
            }, TimeSpan.FromSeconds(30), "the overview to show ALIS's circuit open");
            Assert.That(await page.Locator("#circuits tr[data-crm=alis] td").Nth(2).InnerTextAsync(), Does.Match(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"), "since when");
            Assert.That(await page.Locator("#circuits tr[data-crm=enquire] td").Nth(1).InnerTextAsync(), Is.EqualTo("closed"), "one CRM's outage is its own");
            await AssertAccessibleAsync(page, "overview with an open circuit");
            await ShootAsync(page, "overview-circuit-open");

            await _platform.Sandbox.ClearFaultsAsync(AlisConnector.Name);
            // The scheduled retry after the break is the breaker's trial call: it succeeds and closes the circuit.
            await Eventually.UntilAsync(async () =>
            {
                await page.GotoAsync("/Overview");
                return await alisCircuit.InnerTextAsync() == "closed";
            }, TimeSpan.FromSeconds(30), "the overview to show ALIS's circuit closed again");
            Assert.That(await page.Locator("#circuits tr[data-crm=alis] td").Nth(3).InnerTextAsync(), Is.EqualTo("0 / 0"));
            await Eventually.UntilAsync(() => _platform.LeadAsync(lead),
                l => l.GetProperty("deliveries").EnumerateArray().All(d => d.GetProperty("state").GetString() == "delivered"),
                TimeSpan.FromSeconds(20), "the lead delivered once ALIS is back");
        }
        finally
        {
            await _platform.Sandbox.ClearFaultsAsync(AlisConnector.Name);
        }
    }
}
