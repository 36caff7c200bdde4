using LeadPlatform.Testing;

namespace LeadPlatform.BrowserTests;

/// <summary>The unmapped-values form: a raw status mapped there is saved into the integration and applied to waiting entries.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task An_unmapped_status_mapped_in_the_form_shows_its_common_value_on_the_lead_timeline()
    {
        var raw = $"Toured Campus {Run}";
        var lead = await _platform.SubmitAsync(ConsolePlatform.Account, $"browser-{Run}-mapping", $"mapping.{Run}@example.com");
        await _platform.WaitDeliveredAsync(lead);
        await _platform.PushStatusAsync(lead, raw);
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        await page.GotoAsync("/Unmapped");
        var form = page.Locator($"form.map[data-raw='{raw}']");
        await form.Locator("select[name=integrationId]").SelectOptionAsync($"{ConsolePlatform.Account}-enquire");
        await form.Locator("select[name=value]").SelectOptionAsync("Working");
        await form.Locator("button:has-text('Map')").ClickAsync();
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("maps to Working").And.Contain("1 waiting entries applied"));
        Assert.That(await page.Locator($"form.map[data-raw='{raw}']").CountAsync(), Is.Zero, "no entry of that raw value waits any more");

        await page.GotoAsync($"/Leads/{lead}");
        var row = page.Locator("#timeline tr", new() { HasText = raw });
        Assert.That(await row.InnerTextAsync(), Does.Contain("Working"), "the entry shows its common value beside the raw one");
        Assert.That(await page.Locator("text=Current status:").InnerTextAsync(), Does.Contain("Working"));
        await ShootAsync(page, "lead-mapped");

        // The mapping is in the integration, and ingestion answers with it at once (a catalog change drops every
        // instance's snapshot): the next push of the same raw value arrives mapped.
        var integration = await _platform.Ingestion.Client.GetStringAsync($"v1/integrations/{ConsolePlatform.Account}-enquire");
        Assert.That(integration, Does.Contain(raw).And.Contain("statusMap"));
    }

    [Test]
    public async Task A_viewer_sees_unmapped_values_without_the_mapping_form()
    {
        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        await page.GotoAsync("/Unmapped");
        Assert.That(await page.Locator("form.map").CountAsync(), Is.Zero);
    }
}
