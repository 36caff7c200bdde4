using System.Text.Json;

namespace LeadPlatform.BrowserTests;

/// <summary>Integrations and source keys: the settings form from the CRM's schema, the API's errors beside the fields.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task An_integration_edited_with_a_wrong_setting_shows_the_field_error_and_saves_nothing()
    {
        var id = $"{ConsolePlatform.OtherAccount}-enquire";
        var before = await IntegrationAsync(id);
        var page = await SignedInAsync(ConsolePlatform.AdminKey);
        await page.ClickAsync("a:has-text('Integrations')");
        await ShootAsync(page, "integrations");
        await page.ClickAsync($"#integrations a:has-text('{id}')");
        await page.FillAsync("#f-settings-marketSource", "Console edit");
        await page.FillAsync("#f-settings-pollIntervalSeconds", "0");
        await page.ClickAsync("button:has-text('Save')");

        Assert.That(await page.Locator("#error-settings-pollIntervalSeconds").InnerTextAsync(), Does.Contain("must be at least 1"));
        Assert.That(await page.Locator("#f-settings-pollIntervalSeconds").GetAttributeAsync("aria-describedby"), Does.Contain("error-settings-pollIntervalSeconds"));
        Assert.That(await page.Locator("#f-settings-marketSource").InputValueAsync(), Is.EqualTo("Console edit"), "what was typed stays for correcting");
        await ShootAsync(page, "integration-edit");
        Assert.That((await IntegrationAsync(id)).ToString(), Is.EqualTo(before.ToString()), "nothing saved");

        await page.FillAsync("#f-settings-pollIntervalSeconds", "");
        await page.ClickAsync("button:has-text('Save')");
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain($"Integration {id} saved"));
        var after = await IntegrationAsync(id);
        Assert.That(after.GetProperty("settings").GetProperty("marketSource").GetString(), Is.EqualTo("Console edit"));
        Assert.That(after.GetProperty("credentials").GetProperty("webhookSecret").GetString(), Is.EqualTo("***"), "credentials kept (shown masked)");
    }

    [Test]
    public async Task A_new_source_key_is_shown_once_and_opens_lead_submission()
    {
        var page = await SignedInAsync(ConsolePlatform.AdminKey);
        await page.GotoAsync("/Integrations");
        await page.FillAsync("#k-source", $"vendor-{Run}");
        await page.FillAsync("#k-accounts", ConsolePlatform.Account);
        await page.ClickAsync("button:has-text('Create a new key')");
        var key = await page.Locator("#new-key code").InnerTextAsync();
        Assert.That(key, Has.Length.GreaterThanOrEqualTo(32));
        Assert.That(await page.Locator("#source-keys").InnerTextAsync(), Does.Contain($"vendor-{Run}"));
        await page.GotoAsync("/Integrations");
        Assert.That(await page.ContentAsync(), Does.Not.Contain(key), "shown once");

        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/leads/00000000-0000-0000-0000-000000000001");
        request.Headers.Add("X-Api-Key", key);
        using var client = new HttpClient { BaseAddress = _platform.Ingestion.BaseAddress };
        using var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(404), "the key is accepted (401 otherwise)");
    }

    [Test]
    public async Task An_operator_cannot_manage_integrations()
    {
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        Assert.That(await page.Locator("nav a:has-text('Integrations')").CountAsync(), Is.Zero);
        await page.GotoAsync("/Integrations");
        Assert.That(await page.Locator("#error").InnerTextAsync(), Does.Contain("role admin"));
    }

    private async Task<JsonElement> IntegrationAsync(string id) =>
        JsonDocument.Parse(await _platform.Ingestion.Client.GetStringAsync($"v1/integrations/{id}")).RootElement.Clone();
}
