using System.Net.Http.Json;
using System.Text;
using Deque.AxeCore.Playwright;
using LeadPlatform.Testing;
using Microsoft.Playwright;
using RabbitMQ.Client;

namespace LeadPlatform.BrowserTests;

/// <summary>
/// The operator console in a real browser (Debian's Chromium driven by Playwright) against the real services:
/// sign-in per role, lead search, the lead page, and what an account's viewer may not open.
/// </summary>
[TestFixture]
[Category("Browser")]
public partial class ConsoleSpecs
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Timeout = 15_000;
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];
    private static readonly string Screenshots = Path.Combine(RepoPaths.Root, ".run", "screenshots");

    private ConsolePlatform _platform = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private Guid _acmeLead;
    private Guid _otherLead;
    private readonly string _acmeSourceLeadId = $"browser-{Run}-acme";
    private readonly string _acmeEmail = $"edith.{Run}@example.com";
    private readonly string _otherSourceLeadId = $"browser-{Run}-other";

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: run build/infra.sh (as root) to install Debian's Chromium for the Browser tests.");
        }
        Directory.CreateDirectory(Screenshots);
        _platform = await ConsolePlatform.StartAsync();
        _acmeLead = await _platform.SubmitAsync(ConsolePlatform.Account, _acmeSourceLeadId, _acmeEmail);
        _otherLead = await _platform.SubmitAsync(ConsolePlatform.OtherAccount, _otherSourceLeadId, $"other.{Run}@example.com");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Timeout = Timeout,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        await _platform.WaitDeliveredAsync(_acmeLead);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    [TestCase(ConsolePlatform.AdminKey, "admin")]
    [TestCase(ConsolePlatform.OperatorKey, "operator")]
    [TestCase(ConsolePlatform.ViewerKey, "viewer")]
    [TestCase(ConsolePlatform.AccountViewerKey, "viewer, account acme-senior")]
    public async Task Signing_in_with_a_key_of_each_role_opens_the_leads_page_as_that_role(string key, string shown)
    {
        var page = await SignedInAsync(key);
        Assert.That(page.Url, Does.EndWith("/Leads"));
        Assert.That(await page.Locator("#who").InnerTextAsync(), Does.Contain($"({shown})"));
        await ShootAsync(page, $"leads-{shown.Replace(", account ", "-", StringComparison.Ordinal)}");
    }

    [Test]
    public async Task Without_a_valid_key_the_console_shows_nothing_but_the_sign_in()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Leads");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/SignIn"), "an anonymous visit is sent to sign in");
        await ShootAsync(page, "sign-in");

        await page.FillAsync("#key", "not-a-key-of-this-platform-000");
        await page.ClickAsync("button[type=submit]");
        Assert.That(await page.Locator("#sign-in-error").InnerTextAsync(), Does.Contain("not valid"));
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/SignIn"));
        var lead = await page.GotoAsync($"/Leads/{_acmeLead}");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/SignIn"), "a refused key opens no page");
        Assert.That(await page.ContentAsync(), Does.Not.Contain(_acmeSourceLeadId));
        Assert.That(lead, Is.Not.Null);

        await SignInAsync(page, ConsolePlatform.OperatorKey);
        await page.ClickAsync("button:has-text('Sign out')");
        await page.Locator("#key").WaitForAsync();
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/SignIn"), "signing out leads back to the sign-in");
        await page.GotoAsync("/Leads");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/SignIn"), "signed out, the cookie opens nothing");
    }

    [Test]
    public async Task Search_finds_a_lead_by_email_and_by_source_lead_id()
    {
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        await page.FillAsync("input[name=email]", _acmeEmail.ToUpperInvariant());
        await page.ClickAsync("button:has-text('Search')");
        var rows = page.Locator("#leads tbody tr");
        Assert.That(await rows.CountAsync(), Is.EqualTo(1));
        Assert.That(await rows.First.InnerTextAsync(), Does.Contain(_acmeLead.ToString()).And.Contain(_acmeEmail));
        await ShootAsync(page, "leads-search-by-email");

        await page.GotoAsync($"/Leads?sourceLeadId={_acmeSourceLeadId}");
        Assert.That(await rows.CountAsync(), Is.EqualTo(1));
        Assert.That(await rows.First.InnerTextAsync(), Does.Contain(_acmeLead.ToString()));
    }

    [Test]
    public async Task A_viewer_finds_leads_with_their_personal_data_masked()
    {
        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        await page.GotoAsync($"/Leads?sourceLeadId={_acmeSourceLeadId}");
        var row = await page.Locator("#leads tbody tr").First.InnerTextAsync();
        Assert.That(row, Does.Contain(_acmeLead.ToString()).And.Contain("e***@example.com").And.Not.Contain(_acmeEmail).And.Not.Contain("Clark"));
        await page.GotoAsync($"/Leads/{_acmeLead}");
        var fields = await page.Locator("#fields").InnerTextAsync();
        Assert.That(fields, Does.Not.Contain(_acmeEmail).And.Not.Contain("Clark").And.Contain(_acmeSourceLeadId));
        Assert.That(await page.Locator("#deliveries button").CountAsync(), Is.Zero, "a viewer replays nothing");
        await ShootAsync(page, "lead-as-viewer");
    }

    [Test]
    public async Task The_lead_page_shows_its_fields_deliveries_and_timeline()
    {
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        await page.GotoAsync($"/Leads?email={Uri.EscapeDataString(_acmeEmail)}");
        await page.ClickAsync($"a:has-text('{_acmeLead}')");
        Assert.That(page.Url, Does.EndWith($"/Leads/{_acmeLead}"));
        var delivery = await page.Locator("#deliveries tr[data-integration=acme-senior-enquire]").InnerTextAsync();
        Assert.That(delivery, Does.Contain("enquire").And.Contain("delivered").And.Contain("prospect"), "state and the CRM record ids");
        Assert.That(await page.Locator("#timeline").InnerTextAsync(), Does.Contain("delivered"));
        Assert.That(await page.Locator("#fields").InnerTextAsync(), Does.Contain(_acmeEmail), "an operator sees the person");
        await ShootAsync(page, "lead");
    }

    [Test]
    public async Task An_account_viewer_cannot_open_another_accounts_lead_by_url_nor_find_it()
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"/Leads/{_acmeLead}");
        await page.FillAsync("#key", ConsolePlatform.AccountViewerKey);
        await page.ClickAsync("button[type=submit]");
        Assert.That(await page.Locator("#lead-id").InnerTextAsync(), Is.EqualTo(_acmeLead.ToString()), "signed in, back on the lead asked for");
        Assert.That(page.Url, Does.EndWith($"/Leads/{_acmeLead}"));

        var other = await page.GotoAsync($"/Leads/{_otherLead}");
        Assert.That(other!.Status, Is.EqualTo(404));
        Assert.That(await page.ContentAsync(), Does.Not.Contain(_otherSourceLeadId));
        await ShootAsync(page, "lead-of-another-account");

        await page.GotoAsync($"/Leads?sourceLeadId={_otherSourceLeadId}");
        Assert.That(await page.Locator("#no-leads").IsVisibleAsync(), Is.True, "another account's lead is not found either");
    }

    [Test]
    public async Task A_failed_delivery_replayed_from_the_lead_page_ends_delivered_exactly_once()
    {
        var email = $"replay.{Run}@example.com";
        var leadId = (await _platform.SubmitWhileCrmIsDownAsync(ConsolePlatform.Account, ($"browser-{Run}-replay", email)))[0];

        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        await page.GotoAsync($"/Leads/{leadId}");
        var row = page.Locator("#deliveries tr[data-integration=acme-senior-enquire]");
        Assert.That(await row.InnerTextAsync(), Does.Contain("failed"));
        await ShootAsync(page, "lead-failed-delivery");
        await row.Locator("button:has-text('Replay')").ClickAsync();
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("Replay of the delivery to acme-senior-enquire scheduled"));

        await Eventually.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await row.InnerTextAsync()).Contains("delivered", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "the replayed delivery to show delivered");
        await ShootAsync(page, "lead-replayed");
        Assert.That(await _platform.EnquireRecordsAsync(email), Is.EqualTo(1), "pushed exactly once");
        Assert.That(await row.Locator("button").CountAsync(), Is.Zero, "a delivered delivery offers no replay");
    }

    [Test]
    public async Task Bulk_replay_previews_how_many_deliveries_it_touches_and_asks_before_replaying_them()
    {
        var emails = new[] { $"bulk0.{Run}@example.com", $"bulk1.{Run}@example.com" };
        await _platform.SubmitWhileCrmIsDownAsync(ConsolePlatform.OtherAccount,
            ($"browser-{Run}-bulk0", emails[0]), ($"browser-{Run}-bulk1", emails[1]));

        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        await page.ClickAsync("a:has-text('Failed deliveries')");
        await page.FillAsync("input[name=integration]", "other-senior-enquire");
        await page.ClickAsync("button:has-text('Filter')");
        Assert.That(await page.Locator("#total").InnerTextAsync(), Does.StartWith("2 failed deliveries"), "the preview");
        await page.ClickAsync("button:has-text('Replay these 2 deliveries')");
        Assert.That(await page.Locator("#confirm").InnerTextAsync(), Does.Contain("This replays 2 deliveries"));
        await ShootAsync(page, "failures-confirm");
        Assert.That(await _platform.EnquireRecordsAsync(emails[0]), Is.Zero, "nothing replayed before the confirmation");
        await page.ClickAsync("button:has-text('Confirm: replay 2 deliveries')");
        Assert.That(page.Url, Does.Contain("/Jobs/"), "the replay runs as a job with a progress page");
        await ShootAsync(page, "failures-progress");
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("Replay of 2 failed deliveries scheduled"));
        Assert.That(await page.Locator("#job-steps").InnerTextAsync(), Does.Contain("Batch 1: 2 replayed"));
        // The job is ingestion's, not the console's: any console instance (or a restarted one) reads the same progress.
        var jobId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var job = await _platform.Ingestion.Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"v1/admin/jobs/{jobId}");
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("done"));
        Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(2));
        Assert.That(job.GetProperty("requestedBy").GetString(), Is.EqualTo("ops"), "the operator key's name");

        foreach (var email in emails)
        {
            await Eventually.UntilAsync(async () => await _platform.EnquireRecordsAsync(email) > 0, TimeSpan.FromSeconds(20), $"{email} delivered");
        }
        await page.ClickAsync("a:has-text('Back')");
        Assert.That(await page.Locator("#total").InnerTextAsync(), Does.StartWith("0 failed deliveries"));
        await ShootAsync(page, "failures");
        foreach (var email in emails)
        {
            Assert.That(await _platform.EnquireRecordsAsync(email), Is.EqualTo(1), $"{email} pushed exactly once");
        }
    }

    [Test]
    public async Task An_operator_drains_an_error_queue_back_to_its_source_queue()
    {
        var factory = new ConnectionFactory { Uri = new Uri(_platform.Environment.RabbitMqUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("console-probe", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("console-probe_error", durable: true, exclusive: false, autoDelete: false);
            for (var i = 0; i < 2; i++)
            {
                await channel.BasicPublishAsync("", "console-probe_error", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
            }
        }
        var page = await SignedInAsync(ConsolePlatform.OperatorKey);
        var row = page.Locator("#queues tr[data-queue=console-probe_error]");
        await Eventually.UntilAsync(async () =>
        {
            await page.GotoAsync("/ErrorQueues");
            return await row.CountAsync() == 1 && (await row.InnerTextAsync()).Contains('2', StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "the error queue listed with its 2 messages");
        await ShootAsync(page, "error-queues");
        await row.Locator("button:has-text('Drain')").ClickAsync();
        Assert.That(await page.Locator("#notice").InnerTextAsync(), Does.Contain("Moved 2 messages from console-probe_error to console-probe"));
        // The management API's depths lag a few seconds behind the broker.
        await Eventually.UntilAsync(async () => await _platform.Environment.QueueDepthAsync("console-probe") == 2,
            TimeSpan.FromSeconds(20), "the 2 messages back in their source queue");
    }

    [Test]
    public async Task A_status_no_mapping_covers_is_listed_as_unmapped_and_shows_raw_on_the_timeline()
    {
        var raw = $"Gone Fishing {Run}";
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await _platform.PushStatusAsync(_acmeLead, raw);
                return true;
            }
            catch (AssertionException)
            {
                return false; // disposition's integration catalog may not have seen the integration yet
            }
        }, TimeSpan.FromSeconds(15), "the CRM's push accepted");
        var page = await SignedInAsync(ConsolePlatform.ViewerKey);
        await page.ClickAsync("a:has-text('Unmapped values')");
        Assert.That(await page.Locator("#unmapped").InnerTextAsync(), Does.Contain(raw).And.Contain("enquire"));
        await ShootAsync(page, "unmapped");

        await page.GotoAsync($"/Leads/{_acmeLead}");
        Assert.That(await page.Locator("#timeline").InnerTextAsync(), Does.Contain(raw), "the raw value is kept on the timeline");
    }

    [Test]
    public async Task No_page_has_a_serious_or_critical_accessibility_violation()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/SignIn");
        var pages = new List<(string Name, Func<Task> Open)>
        {
            ("sign-in", () => Task.CompletedTask),
            ("leads", async () => { await SignInAsync(page, ConsolePlatform.OperatorKey); await page.GotoAsync($"/Leads?email={Uri.EscapeDataString(_acmeEmail)}"); }),
            ("lead", async () => await page.GotoAsync($"/Leads/{_acmeLead}")),
            ("failures", async () => await page.GotoAsync("/Failures")),
            ("error queues", async () => await page.GotoAsync("/ErrorQueues")),
            ("unmapped", async () => await page.GotoAsync("/Unmapped")),
        };
        foreach (var (name, open) in pages)
        {
            await open();
            var results = await page.RunAxe();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v.Id} {v.Help}").ToList();
            Assert.That(serious, Is.Empty);
        }
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _platform.Console.BaseAddress.ToString() });
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        return await context.NewPageAsync();
    }

    private async Task<IPage> SignedInAsync(string key)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, key);
        return page;
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/SignIn");
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
        // Waits for the Leads page's own form rather than WaitForURLAsync: after the sign-in's redirect that one
        // sometimes misses the page's load event and times out though the page has loaded (playwright-dotnet#2897).
        await page.Locator("form[aria-label='Search leads']").WaitForAsync();
    }

    private static Task ShootAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}
