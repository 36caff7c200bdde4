using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Disposition;
using LeadPlatform.Ingestion;
using LeadPlatform.Integrations;
using LeadPlatform.IntegrationTests.Disposition;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace LeadPlatform.IntegrationTests.Dealer;

/// <summary>
/// A dealer CRM that takes its leads by ADF email: a lead for an integration whose provider (Web Control-style) takes
/// ADF by email goes out through the real ADF connector over real SMTP to the sandbox's mail sink, lands as a lead in
/// that provider's sandbox dealer CRM, and the dealer statuses it serves on its feed come back onto the lead's timeline
/// through the poller. Ingestion, the connector, Disposition and the sandbox run in-process on one vhost and database.
/// </summary>
[TestFixture]
public class DealerEmailIntakeSpecs
{
    private const string Provider = "webcontrol";
    private DealerPlatform _platform = null!;
    private int _mailPort;

    private SandboxClient SandboxApi => new(_platform.Dispositions.Sandbox.Client);

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        // The dealer platform with the sandbox's mail sink listening (DealerPlatform's sandbox has none) and the ADF connector.
        _mailPort = FreePort.Next();
        var mailPort = _mailPort.ToString(CultureInfo.InvariantCulture);
        _platform = await DealerPlatform.StartAsync("dealer-email", b => b
            .ForEveryService(s =>
            {
                if (s.Role == TestPlatform.SandboxRole) s.Set("Sandbox:Mail:Port", mailPort);
            })
            .WithConnector(Crm.Adf, s => s.Set("Connector:RequestTimeout", "00:00:05")
                .Unset("Connector:RetryPollInterval").Unset("Connector:Lease")));
    }

    [OneTimeTearDown]
    public async Task StopPlatform()
    {
        await _platform.DisposeAsync();
    }

    [Test]
    public async Task A_lead_sent_as_ADF_email_reaches_the_dealer_CRM_and_its_polled_dealer_statuses_come_back_onto_the_timeline()
    {
        var id = $"rv-dealer-{Guid.NewGuid():N}"[..26];
        var address = $"{id}@{Provider}.{DealerMailIntake.Domain}";
        await SaveEmailIntegrationAsync(id, address);

        using var submitted = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "rv-show", sourceLeadId = $"rv-{Guid.NewGuid():N}", accountId = id, conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            prospect = new { firstName = "Rita", lastName = "Rover", email = $"rita.{Guid.NewGuid():N}@example.com" },
            vehicles = new[] { new { year = 2026, make = "Airstream", model = "Basecamp 20X", interest = "buy", condition = "new" } },
        });
        Assert.That(submitted.IsSuccessStatusCode, Is.True, await submitted.Content.ReadAsStringAsync());
        var leadId = Guid.Parse((await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!);

        // Received by email: one lead at the dealer CRM, the one email in the sink addressed to the dealer.
        var lead = (await Eventually.UntilAsync(() => DealerLeadsAsync(leadId), l => l.Count > 0, TimeSpan.FromSeconds(30),
            "the ADF email at the dealer CRM")).Single();
        Assert.That(SandboxClient.Text(lead, "receivedBy"), Is.EqualTo("email"));
        Assert.That(SandboxClient.Text(lead, "make"), Is.EqualTo("Airstream"));
        Assert.That(SandboxClient.Text(lead, "lastName"), Is.EqualTo("Rover"));
        Assert.That(SandboxClient.Text(lead, "messageId"), Is.EqualTo($"{leadId:N}.{id}@leadplatform"));
        var mail = await _platform.Dispositions.Sandbox.Client.GetFromJsonAsync<List<JsonElement>>($"sandbox/mail?to={address}");
        Assert.That(mail, Has.Count.EqualTo(1));
        await Eventually.UntilAsync(() => _platform.Dispositions.TimelineOrNullAsync(leadId),
            t => DispositionPlatform.Kinds(t).Contains("delivered"), TimeSpan.FromSeconds(15), "the delivery on the timeline");

        // The dealer works the lead; Web Control-style CRMs do not push: the changes go onto its feed and are polled.
        await _platform.WorkAsync(Provider, lead.Id, "First Response", "Text Message", pushTo: null);
        await _platform.WorkAsync(Provider, lead.Id, "Sold", null, pushTo: null);

        var timeline = await Eventually.UntilAsync(() => _platform.Dispositions.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == "Sold", TimeSpan.FromSeconds(20), "the dealer's Sold, polled");
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => (e.GetProperty("raw").GetString(), e.GetProperty("value").GetString())),
            Is.EqualTo(new[] { ("First Response", "Working"), ("Sold", "Sold") }));
        var activity = DispositionPlatform.Entries(timeline, "activity").Single();
        Assert.That((activity.GetProperty("raw").GetString(), activity.GetProperty("value").GetString()), Is.EqualTo(("Text Message", "Sms")));
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => e.GetProperty("source").GetString()), Is.All.EqualTo("poll"));
    }

    [Test]
    public async Task A_resent_ADF_email_is_the_same_dealer_lead_an_attached_ADF_is_read_and_mail_that_is_no_ADF_or_for_no_provider_is_refused()
    {
        var prospectId = Guid.NewGuid().ToString();
        var address = $"resend@{Provider}.{DealerMailIntake.Domain}";
        var adf = $"""
            Hello, a new lead:
            <?xml version="1.0"?><?adf version="1.0"?>
            <adf><prospect><id sequence="1" source="LeadPlatform">{prospectId}</id><requestdate>2026-12-02T10:00:00Z</requestdate>
            <vehicle interest="buy"><year>2025</year><make>Jayco</make><model>Jay Flight</model></vehicle>
            <customer><contact><name part="full">Rob Resend</name><email>rob@example.com</email></contact></customer>
            <vendor><vendorname>Lakeside RV</vendorname></vendor></prospect></adf>
            Regards
            """;
        await SendAsync(address, adf);
        await SendAsync(address, adf);
        var leads = await SandboxApi.RecordsAsync(DealerCrm.Crm(Provider), "lead");
        Assert.That(leads.Where(l => SandboxClient.Text(l, "prospectId") == prospectId).ToList(), Has.Count.EqualTo(1));

        // Some vendors attach the document instead.
        var attachedId = Guid.NewGuid().ToString();
        await SendAsync(address, "A new lead is attached.", attachment: adf.Replace(prospectId, attachedId, StringComparison.Ordinal));
        leads = await SandboxApi.RecordsAsync(DealerCrm.Crm(Provider), "lead");
        Assert.That(SandboxClient.Text(leads.Single(l => SandboxClient.Text(l, "prospectId") == attachedId), "make"), Is.EqualTo("Jayco"));

        var notAdf = Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(address, "Please call me about the Jayco."));
        Assert.That((int)notAdf!.StatusCode, Is.EqualTo(554));
        var unknown = Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync($"x@nosuchcrm.{DealerMailIntake.Domain}", adf));
        Assert.That((int)unknown!.StatusCode, Is.EqualTo(550));
        Assert.That(await SandboxApi.RecordsAsync(DealerCrm.Crm("nosuchcrm"), "lead"), Is.Empty);
    }

    /// <summary>An ADF integration that emails its leads to the dealer's intake address and polls the provider's feed.</summary>
    private async Task SaveEmailIntegrationAsync(string id, string address)
    {
        using var response = await _platform.Ingestion.Client.PutAsJsonAsync($"v1/integrations/{id}", new
        {
            accountId = id,
            crm = "adf",
            directions = new[] { "outbound", "inbound-poll" },
            endpoint = new Uri(_platform.Dispositions.Sandbox.BaseAddress, $"dealer/{Provider}").ToString(),
            credentials = new { apiKey = "dealer-feed-key" },
            settings = new
            {
                delivery = "email",
                email = new { host = "127.0.0.1", port = _mailPort, tls = "none", from = "leads@leadplatform.example", to = new[] { address } },
                vendor = new { name = "Lakeside RV" },
                dealerProvider = Provider,
                pollIntervalSeconds = 1,
            },
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        var store = _platform.Dispositions.Disposition.Services.GetRequiredService<IntegrationStore>();
        await Eventually.UntilAsync(async () => await store.FindAsync(id) is not null, TimeSpan.FromSeconds(10), $"disposition to know {id}");
    }

    private async Task<IReadOnlyList<SandboxClient.Record>> DealerLeadsAsync(Guid leadId) =>
        (await SandboxApi.RecordsAsync(DealerCrm.Crm(Provider), "lead")).Where(l => SandboxClient.Text(l, "prospectId") == leadId.ToString()).ToList();

    private async Task SendAsync(string to, string text, string? attachment = null)
    {
        var body = new BodyBuilder { TextBody = text };
        if (attachment is not null)
        {
            body.Attachments.Add("lead.xml", System.Text.Encoding.UTF8.GetBytes(attachment), new ContentType("application", "xml"));
        }
        var message = new MimeMessage { Subject = "ADF lead", Body = body.ToMessageBody() };
        message.From.Add(MailboxAddress.Parse("vendor@example.com"));
        message.To.Add(MailboxAddress.Parse(to));
        using var smtp = new SmtpClient { Timeout = 10_000 };
        await smtp.ConnectAsync("127.0.0.1", _mailPort, SecureSocketOptions.None);
        try
        {
            await smtp.SendAsync(message);
        }
        finally
        {
            await smtp.DisconnectAsync(true);
        }
    }
}
