using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LeadPlatform.BrowserTests;

/// <summary>The overview page: per-hour chart, p50/p99, outbox, error queues, unmapped waiting, from documented APIs.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task The_overview_shows_leads_per_hour_delivery_latency_and_backlogs()
    {
        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        await page.ClickAsync("nav a:has-text('Overview')");
        Assert.That(await page.Locator("#hourly-chart polyline").CountAsync(), Is.EqualTo(3), "accepted, delivered and failed lines");
        var accepted = long.Parse(await page.Locator("#accepted").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.That(accepted, Is.GreaterThanOrEqualTo(2), "the leads this fixture submitted");
        Assert.That(await page.Locator("#latency").InnerTextAsync(), Does.Match(@"^\d+\.\d s / \d+\.\d s$"), "a delivered lead gives p50/p99");
        Assert.That(await page.Locator("#outbox").InnerTextAsync(), Does.Match(@"^\d+$"));
        await AssertAccessibleAsync(page, "overview");
        await ShootAsync(page, "overview");
    }

    [Test]
    public async Task The_overview_api_names_a_bad_window()
    {
        using var response = await _platform.Ingestion.Client.GetAsync("v1/admin/overview?hours=0");
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("errors").TryGetProperty("hours", out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task The_integration_pages_have_no_serious_or_critical_accessibility_violation()
    {
        var page = await SignedInAsync(ConsolePlatform.AdminKey);
        await page.GotoAsync("/Integrations");
        await AssertAccessibleAsync(page, "integrations");
        await page.GotoAsync($"/Integrations/Edit/{ConsolePlatform.Account}-enquire");
        await AssertAccessibleAsync(page, "integration");
        await page.GotoAsync("/Integrations/Edit?crm=salesforce");
        await AssertAccessibleAsync(page, "new integration");
        await ShootAsync(page, "integration-new");
    }

    private static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v.Id} {v.Help}").ToList();
        Assert.That(serious, Is.Empty);
    }
}
