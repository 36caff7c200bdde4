namespace LeadPlatform.BrowserTests;

/// <summary>Lead search by status and by delivery state.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task Search_filters_by_delivery_state_and_status()
    {
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        var rows = page.Locator("#leads tbody tr");
        await page.FillAsync("input[name=email]", _acmeEmail);
        await page.SelectOptionAsync("select[name=deliveryState]", "delivered");
        await page.SelectOptionAsync("select[name=status]", "Pending");
        await page.ClickAsync("button:has-text('Search')");
        Assert.That(await rows.CountAsync(), Is.EqualTo(1));
        Assert.That(await rows.First.InnerTextAsync(), Does.Contain(_acmeLead.ToString()));
        Assert.That(await page.Locator("select[name=deliveryState]").InputValueAsync(), Is.EqualTo("delivered"), "the form keeps the filter");

        await page.GotoAsync($"/Leads?email={Uri.EscapeDataString(_acmeEmail)}&deliveryState=failed");
        Assert.That(await page.Locator("#no-leads").CountAsync(), Is.EqualTo(1), "its delivery is not failed");
        await page.GotoAsync($"/Leads?email={Uri.EscapeDataString(_acmeEmail)}&status=Sold");
        Assert.That(await page.Locator("#no-leads").CountAsync(), Is.EqualTo(1), "its status is not Sold");
        await page.GotoAsync("/Leads?deliveryState=lost-in-space");
        Assert.That(await page.Locator("p.error").InnerTextAsync(), Does.Contain("deliveryState"));
    }
}
