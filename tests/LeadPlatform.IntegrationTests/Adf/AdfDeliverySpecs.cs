using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Dapper;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Contracts;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace LeadPlatform.IntegrationTests.Adf;

/// <summary>Leads through the real broker and database to dealer CRMs as ADF: by email over SMTP, by HTTP POST; and the notification email.</summary>
[TestFixture]
public class AdfDeliverySpecs
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private AdfPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await AdfPlatform.StartAsync("adfdelivery");
        await _platform.PutEmailIntegrationAsync("motors-email", "motors-email", "leads@dealer.example", ["owner@motors.example", "sales@motors.example"]);
        await _platform.PutHttpIntegrationAsync("motors-http", "motors-http");
        await _platform.PutEmailIntegrationAsync("motors-faulty", "motors-faulty", "faulty@dealer.example");
        await _platform.PutEmailIntegrationAsync("motors-down", "motors-down", "down@dealer.example", smtpPort: FreePort.Next());
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private static object Lead(string accountId, string sourceLeadId) => new
    {
        source = "roobrik",
        sourceLeadId,
        accountId,
        conversion = "sales-opt-in",
        occurredAt = DateTimeOffset.UtcNow,
        prospect = new { firstName = "Zoë & \"Jo\"", lastName = "O'Brien <Ltd>", email = $"{sourceLeadId}@example.com", phone = "555-0100" },
        vehicle = new { year = 2025, make = "Toyota", model = "RAV4", condition = "new", interest = "buy" },
        comments = "Call after 5pm",
    };

    private async Task<string> PostLeadAsync(object lead)
    {
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
    }

    private Task<JsonElement> DeliveryAsync(string leadId, string state) =>
        Eventually.UntilAsync(
            async () => (await _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}")).GetProperty("deliveries")[0],
            d => d.GetProperty("state").GetString() == state, Wait, $"the delivery to be {state}");

    private static MimeMessage Parse(LocalSmtpServer.Message message) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(message.Data)));

    [Test]
    public async Task A_lead_reaches_the_dealers_lead_address_as_plain_text_ADF_valid_against_the_DTD()
    {
        var leadId = await PostLeadAsync(Lead("motors-email", "adf-email-1"));

        var mails = await Eventually.UntilAsync(() => Task.FromResult(_platform.DealerSmtp.Messages),
            all => all.Any(m => m.Data.Contains(leadId, StringComparison.Ordinal)), Wait, "the ADF email at the dealer");
        var received = mails.Single(m => m.Data.Contains(leadId, StringComparison.Ordinal));
        Assert.That(received.To, Is.EqualTo(new[] { "leads@dealer.example" }));
        var mail = Parse(received);
        Assert.That(mail.Body!.ContentType.MimeType, Is.EqualTo("text/plain"));
        var xml = mail.TextBody!;
        Assert.That(AdfDtd.Validate(xml), Is.Empty, xml);
        var prospect = XDocument.Parse(xml).Root!.Element("prospect")!;
        Assert.That(prospect.Element("id")!.Value, Is.EqualTo(leadId));
        Assert.That(prospect.Element("customer")!.Element("contact")!.Elements("name").Select(n => n.Value), Is.EqualTo(new[] { "Zoë & \"Jo\"", "O'Brien <Ltd>" }));
        Assert.That(prospect.Element("vehicle")!.Element("model")!.Value, Is.EqualTo("RAV4"));

        var delivery = await DeliveryAsync(leadId, "delivered");
        Assert.That(delivery.GetProperty("recordIds").GetProperty("messageId").GetString(), Is.EqualTo(mail.MessageId));
    }

    [Test]
    public async Task The_notification_recipients_get_one_email_with_text_and_HTML_even_when_LeadDelivered_comes_twice()
    {
        var leadId = await PostLeadAsync(Lead("motors-email", "adf-notify-1"));

        var notifications = await Eventually.UntilAsync(() => Task.FromResult(_platform.NotificationSmtp.Messages),
            all => all.Any(m => m.Data.Contains(leadId, StringComparison.Ordinal)), Wait, "the notification email");
        var received = notifications.Single(m => m.Data.Contains(leadId, StringComparison.Ordinal));
        Assert.That(received.To, Is.EquivalentTo(new[] { "owner@motors.example", "sales@motors.example" }));
        var mail = Parse(received);
        Assert.That(mail.Body!.ContentType.MimeType, Is.EqualTo("multipart/alternative"));
        Assert.That(mail.TextBody, Does.Contain("Prospect: Zoë & \"Jo\" O'Brien <Ltd>").And.Contain("Email: adf-notify-1@example.com")
            .And.Contain("Delivered to: adf (integration motors-email)").And.Contain("CRM record ids: messageId"));
        Assert.That(mail.HtmlBody, Does.Contain("O&#39;Brien &lt;Ltd&gt;").And.Contain("motors-email"));

        // The same LeadDelivered again (a broker redelivery or a replay): nothing is sent twice.
        var delivery = await DeliveryAsync(leadId, "delivered");
        await _platform.Notifications.Services.GetRequiredService<IBus>().Publish(new LeadDelivered
        {
            LeadId = Guid.Parse(leadId), IntegrationId = "motors-email", Crm = "adf", Outcome = "created", Attempts = 1,
            RecordIds = new Dictionary<string, string> { ["messageId"] = delivery.GetProperty("recordIds").GetProperty("messageId").GetString()! },
            AcceptedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow,
        });
        await Eventually.UntilAsync(() => _platform.Environment.QueueDepthAsync("notifications-lead-delivered"), depth => depth == 0, Wait,
            "the redelivered event to be consumed");
        Assert.That(_platform.NotificationSmtp.Messages.Count(m => m.Data.Contains(leadId, StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_lead_is_POSTed_as_application_xml_to_the_dealer_CRM_endpoint()
    {
        var leadId = await PostLeadAsync(Lead("motors-http", "adf-http-1"));

        var records = await Eventually.UntilAsync(() => _platform.SandboxApi.RecordsAsync("adf", "lead"),
            all => all.Any(r => SandboxClient.Text(r, "prospectId") == leadId), Wait, "the ADF lead in the sandbox");
        var record = records.Single(r => SandboxClient.Text(r, "prospectId") == leadId);
        Assert.That(SandboxClient.Text(record, "lastName"), Is.EqualTo("O'Brien <Ltd>"));
        Assert.That(SandboxClient.Text(record, "vendorName"), Is.EqualTo("Acme Motors"));
        Assert.That(AdfDtd.Validate(SandboxClient.Text(record, "xml")!), Is.Empty);

        var delivery = await DeliveryAsync(leadId, "delivered");
        Assert.That(delivery.GetProperty("recordIds").GetProperty("adf").GetString(), Is.EqualTo(record.Id));
    }

    [Test]
    public async Task A_4xx_SMTP_reply_is_retried_until_the_dealer_server_takes_the_lead()
    {
        _platform.DealerSmtp.FailNext("451 4.3.0 Try again later", count: 2);
        var leadId = await PostLeadAsync(Lead("motors-faulty", "adf-451-1"));

        var delivery = await DeliveryAsync(leadId, "delivered");
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.GreaterThanOrEqualTo(3));
        Assert.That(_platform.DealerSmtp.Messages.Count(m => m.Data.Contains(leadId, StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task An_unreachable_SMTP_server_schedules_a_retry_and_keeps_the_lead()
    {
        var leadId = await PostLeadAsync(Lead("motors-down", "adf-down-1"));

        await using var dataSource = _platform.Environment.CreateDataSource();
        var entry = await Eventually.UntilAsync(async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                return await connection.QuerySingleOrDefaultAsync<(string State, string? LastError)>(
                    "select state as State, last_error as LastError from delivery.ledger where lead_id = @id",
                    new { id = Guid.Parse(leadId) });
            },
            e => e.State == "retry_scheduled", Wait, "the delivery to be scheduled for a retry");
        Assert.That(entry.LastError, Does.Contain("could not reach the SMTP server"));
    }

    [Test]
    public async Task A_5xx_SMTP_reply_fails_the_delivery_at_once()
    {
        _platform.DealerSmtp.FailNext("554 5.7.1 Relay access denied");
        var leadId = await PostLeadAsync(Lead("motors-faulty", "adf-554-1"));

        var delivery = await DeliveryAsync(leadId, "failed");
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(delivery.GetProperty("lastError").GetString(), Does.Contain("554"));
        Assert.That(_platform.DealerSmtp.Messages.Any(m => m.Data.Contains(leadId, StringComparison.Ordinal)), Is.False);
    }
}
