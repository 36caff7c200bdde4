namespace LeadPlatform.BrowserTests;

/// <summary>The lead page links the lead's trace to the configured trace viewer.</summary>
public partial class ConsoleSpecs
{
    [Test]
    public async Task The_lead_page_links_its_trace_id_to_the_trace_viewer()
    {
        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        await page.GotoAsync($"/Leads/{_acmeLead}");
        var link = page.Locator("#trace-id a");
        var traceId = await link.InnerTextAsync();
        Assert.That(traceId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(await link.GetAttributeAsync("href"), Is.EqualTo(ConsolePlatform.TraceViewerUrl.Replace("{traceId}", traceId, StringComparison.Ordinal)));
    }
}
