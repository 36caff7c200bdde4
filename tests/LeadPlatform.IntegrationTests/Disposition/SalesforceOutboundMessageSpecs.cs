using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// Salesforce Outbound Messaging the way Salesforce sends it (the sandbox posts the SOAP notifications envelope and
/// checks the Ack), into the real Disposition service, broker and database.
/// </summary>
[TestFixture]
public class SalesforceOutboundMessageSpecs
{
    private const string PathSecret = "om-path-secret-3f9c";
    private const string OrganizationId = "00D5e000000AbCdEAF";
    private DispositionPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await DispositionPlatform.StartAsync("salesforce-outbound");
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-sf-om", AccountId = "acme", Crm = "salesforce",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["outboundMessageSecret"] = PathSecret },
            // The 15-character form: Salesforce sends the 18-character one.
            Settings = JsonSerializer.SerializeToElement(new { organizationId = OrganizationId[..15] }),
        });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private async Task<JsonElement> SendAsync(object[] notifications, string integrationId = "acme-sf-om", string secret = PathSecret, string organizationId = OrganizationId)
    {
        var url = new Uri(_platform.Disposition.BaseAddress, $"v1/dispositions/{integrationId}/salesforce/{secret}").ToString();
        using var response = await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/salesforce/outbound-messages", new { url, organizationId, notifications });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task An_outbound_message_is_acknowledged_and_applied_once_also_when_Salesforce_resends_it()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf-om", "salesforce", "00Q5e00000OmLd1");
        object[] notifications =
        [
            new { id = "04l5e00000OmN01", sObject = "Lead", recordId = "00Q5e00000OmLd1", fields = new { Status = "Working - Contacted", LastModifiedDate = "2026-11-30T10:00:00.000Z" } },
            new { id = "04l5e00000OmN02", sObject = "Task", recordId = "00T5e00000OmTk1", fields = new { WhoId = "00Q5e00000OmLd1", TaskSubtype = "Call", Subject = "Intro call", CreatedDate = "2026-11-30T10:05:00.000Z" } },
            // A lead the platform did not deliver: acknowledged all the same, or Salesforce would resend it for a day.
            new { id = "04l5e00000OmN03", sObject = "Lead", recordId = "00Q5e00000Other", fields = new { Status = "Closed - Converted" } },
        ];

        var first = await SendAsync(notifications);
        var resent = await SendAsync(notifications);

        Assert.That((first.GetProperty("statusCode").GetInt32(), first.GetProperty("acked").GetBoolean()), Is.EqualTo((200, true)), first.ToString());
        Assert.That((resent.GetProperty("statusCode").GetInt32(), resent.GetProperty("acked").GetBoolean()), Is.EqualTo((200, true)), resent.ToString());
        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"));
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => e.GetProperty("raw").GetString()), Is.EqualTo(new[] { "Working - Contacted" }));
        var call = DispositionPlatform.Entries(timeline, "activity").Single();
        Assert.That(call.GetProperty("value").GetString(), Is.EqualTo("PhoneCall"));
    }

    [Test]
    public async Task A_resend_of_the_same_state_under_a_new_notification_id_adds_no_second_status()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-sf-om", "salesforce", "00Q5e00000OmLd2");
        await SendAsync([new { id = "04l5e00000OmN11", sObject = "Lead", recordId = "00Q5e00000OmLd2", fields = new { Status = "Closed - Converted" } }]);
        var again = await SendAsync([new { id = "04l5e00000OmN12", sObject = "Lead", recordId = "00Q5e00000OmLd2", fields = new { Status = "Closed - Converted" } }]);

        Assert.That(again.GetProperty("acked").GetBoolean(), Is.True, again.ToString());
        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(DispositionPlatform.Entries(timeline, "status"), Has.Count.EqualTo(1));
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Sold"));
    }

    public enum Forgery { WrongPathSecret, OtherOrganization, UnknownIntegration }

    [TestCase(Forgery.WrongPathSecret)]
    [TestCase(Forgery.OtherOrganization)]
    [TestCase(Forgery.UnknownIntegration)]
    public async Task A_message_without_the_path_secret_or_from_another_organization_is_not_acknowledged_and_changes_nothing(Forgery forgery)
    {
        var recordId = $"00Q5e00000Forg{(int)forgery}";
        await _platform.DeliveredLeadAsync("acme-sf-om", "salesforce", recordId);
        var before = await _platform.StateAsync();
        object[] notifications = [new { id = $"04l5e00000Forg{(int)forgery}", sObject = "Lead", recordId, fields = new { Status = "Closed - Not Converted" } }];

        var sent = forgery switch
        {
            Forgery.WrongPathSecret => await SendAsync(notifications, secret: "guessed"),
            Forgery.OtherOrganization => await SendAsync(notifications, organizationId: "00D000000000001AAA"),
            _ => await SendAsync(notifications, integrationId: "no-such-integration"),
        };

        Assert.That((sent.GetProperty("statusCode").GetInt32(), sent.GetProperty("acked").GetBoolean()), Is.EqualTo((401, false)), sent.ToString());
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }
}
