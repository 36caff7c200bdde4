using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Notifications;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Notifications;

/// <summary>
/// The lead notification email seen without a mail server: the sandbox's mail sink (real SMTP on a local port) takes
/// what the real Notifications service sends when the Salesforce connector delivered a lead; a sink that refuses
/// shows as a retrying or failed notification on <c>GET /v1/notifications</c>.
/// </summary>
[TestFixture]
public class MailSinkSpecs
{
    private static readonly string[] Recipients = ["sales@mail-sink.example", "owner@mail-sink.example"];
    private CrmApiPlatform _platform = null!;
    private InProcessService Notifications => _platform.Notifications;

    [OneTimeSetUp]
    public async Task Start()
    {
        var mailPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _platform = await CrmApiPlatform.StartAsync("mail-sink", new Dictionary<string, string?> { ["Sandbox:Mail:Port"] = mailPort },
            more: b => b.WithNotifications(int.Parse(mailPort, CultureInfo.InvariantCulture), s => s.AsAdmin()));
        await _platform.PutSalesforceIntegrationAsync("mail-sf", "mail-sf", new { teamUserId = "005TEAM", company = "Mail Sink Motors", notificationRecipients = Recipients });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _platform.DisposeAsync();
    }

    [TearDown]
    public Task ClearFaults() => _platform.SandboxApi.ClearFaultsAsync("mail");

    private async Task<string> DeliveredLeadAsync(string lastName)
    {
        var leadId = await _platform.PostLeadAsync(new
        {
            source = "chatbot", sourceLeadId = Guid.NewGuid().ToString("N"), accountId = "mail-sf", conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName, email = $"{Guid.NewGuid():N}@example.com" },
        });
        Assert.That((await _platform.FinishedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        return leadId;
    }

    private async Task<List<JsonElement>> MailAsync(string leadId) =>
        ((await _platform.Sandbox.Client.GetFromJsonAsync<List<JsonElement>>("sandbox/mail")) ?? [])
            .Where(m => m.GetProperty("messageId").GetString()!.StartsWith($"notify.{Guid.Parse(leadId):N}.", StringComparison.Ordinal)).ToList();

    private async Task<JsonElement?> NotificationAsync(string leadId) =>
        (await Notifications.Client.GetFromJsonAsync<List<JsonElement>>($"v1/notifications?leadId={leadId}"))!.Cast<JsonElement?>().SingleOrDefault();

    [Test]
    public async Task The_notification_email_of_a_delivered_lead_arrives_in_the_sandbox_mail_sink_with_its_subject_and_recipients()
    {
        var leadId = await DeliveredLeadAsync("Sinkton");

        var mail = (await Eventually.UntilAsync(() => MailAsync(leadId), m => m.Count > 0, TimeSpan.FromSeconds(20), "the notification email in the sink")).Single();
        Assert.That(mail.GetProperty("subject").GetString(), Is.EqualTo("New lead: Edith Sinkton (delivered to salesforce)"));
        Assert.That(mail.GetProperty("to").EnumerateArray().Select(t => t.GetString()), Is.EquivalentTo(Recipients));
        Assert.That(mail.GetProperty("from").GetString(), Is.EqualTo("leads@leadplatform.example"));
        Assert.That(mail.GetProperty("text").GetString(), Does.Contain(leadId));
        var state = await Eventually.UntilAsync(() => NotificationAsync(leadId), n => n is not null, TimeSpan.FromSeconds(10), "the sent record");
        Assert.That(state!.Value.GetProperty("state").GetString(), Is.EqualTo("sent"));
        Assert.That(state.Value.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(state.Value.GetProperty("recipients").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_notification_the_sink_refuses_for_a_while_is_shown_retrying_with_the_SMTP_answer_and_then_sent_once()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "mail", mode = "down", count = 1 });
        var leadId = await DeliveredLeadAsync("Retryson");

        var retrying = await Eventually.UntilAsync(() => NotificationAsync(leadId), n => n is not null, TimeSpan.FromSeconds(20), "the retrying record");
        Assert.That(retrying!.Value.GetProperty("state").GetString(), Is.EqualTo("retrying").Or.EqualTo("sent"));
        var sent = await Eventually.UntilAsync(() => NotificationAsync(leadId), n => n?.GetProperty("state").GetString() == "sent",
            TimeSpan.FromSeconds(20), "the notification to be sent after the retry");
        Assert.That(sent!.Value.GetProperty("attempts").GetInt32(), Is.EqualTo(2));
        Assert.That(await MailAsync(leadId), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_notification_the_sink_refuses_for_good_is_shown_failed_with_the_SMTP_answer_and_not_retried()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "mail", mode = "400", count = 1 });
        var leadId = await DeliveredLeadAsync("Refusal");

        var failed = await Eventually.UntilAsync(() => NotificationAsync(leadId), n => n is not null, TimeSpan.FromSeconds(20), "the failed record");
        Assert.That(failed!.Value.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(failed.Value.GetProperty("lastError").GetString(), Does.Contain("554"));
        await Task.Delay(TimeSpan.FromSeconds(3)); // longer than the first retry interval
        Assert.That((await NotificationAsync(leadId))!.Value.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(await MailAsync(leadId), Is.Empty);
    }

    [Test]
    public async Task The_notification_list_refuses_an_unknown_state_naming_the_field_and_needs_an_admin_key()
    {
        using var bad = await Notifications.Client.GetAsync("v1/notifications?state=lost");
        Assert.That((int)bad.StatusCode, Is.EqualTo(400));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("state"));
        using var anonymous = new HttpClient { BaseAddress = Notifications.BaseAddress };
        using var refused = await anonymous.GetAsync("v1/notifications");
        Assert.That((int)refused.StatusCode, Is.EqualTo(401));
    }
}
