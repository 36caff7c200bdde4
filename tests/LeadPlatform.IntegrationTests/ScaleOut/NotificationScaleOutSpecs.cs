using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Notifications;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// Two Notifications instances on one queue and one database, over real SMTP to the sandbox's mail sink: a
/// <c>LeadDelivered</c> published several times at once (a connector republishing its outcome, a redelivery), so the
/// copies are handled by both instances together, still sends exactly one email per (lead, integration).
/// </summary>
[TestFixture]
public class NotificationScaleOutSpecs
{
    private const int Leads = 10;
    private const int Copies = 4;
    private static readonly string[] Integrations = ["scale-notify-a", "scale-notify-b"];
    private TestPlatform _platform = null!;
    private IsolatedEnvironment _environment => _platform.Environment;
    private InProcessService _sandbox => _platform.Sandbox;
    private IReadOnlyList<InProcessService> _instances => _platform.Instances(TestPlatform.NotificationsRole);

    [OneTimeSetUp]
    public async Task Start()
    {
        var mailPort = FreePort.Next();
        _platform = await TestPlatform.Create("notifyscale")
            .WithSandbox(s => s.Set("Sandbox:Mail:Port", mailPort.ToString(CultureInfo.InvariantCulture)))
            .WithNotifications(mailPort)
            .StartAsync();
        await _platform.StartAnotherAsync(TestPlatform.NotificationsRole);
        var store = _instances[0].Services.GetRequiredService<IntegrationStore>();
        foreach (var id in Integrations)
        {
            await store.UpsertAsync(new Integration
            {
                Id = id, AccountId = "scale-notify", Crm = "alis",
                Settings = JsonSerializer.SerializeToElement(new { notificationRecipients = new[] { $"sales@{id}.example" } }),
            });
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _platform.DisposeAsync();
    }

    [Test]
    public async Task Two_instances_receiving_the_same_LeadDelivered_several_times_send_one_email_per_lead_and_integration()
    {
        var bus = _instances[0].Services.GetRequiredService<IBus>();
        var leads = Enumerable.Range(0, Leads).Select(_ => Guid.NewGuid()).ToList();
        foreach (var leadId in leads)
        {
            await bus.Publish(new LeadConverted
            {
                LeadId = leadId, AcceptedAt = DateTimeOffset.UtcNow,
                Lead = new Lead
                {
                    Source = "roobrik", SourceLeadId = leadId.ToString(), AccountId = "scale-notify", Conversion = Lead.SalesOptIn,
                    Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = $"{leadId:N}@example.com" },
                },
                Deliveries = Integrations.Select(id => new PlannedDelivery { IntegrationId = id, Crm = "alis" }).ToList(),
            });
        }
        await Eventually.UntilAsync(() => KeptLeadsAsync(leads), n => n == Leads, TimeSpan.FromSeconds(30), "the leads kept by notifications");

        var delivered = leads.SelectMany(leadId => Integrations.Select(id => new LeadDelivered
        {
            LeadId = leadId, IntegrationId = id, Crm = "alis", RecordIds = new Dictionary<string, string> { ["prospect"] = "P-1" },
            Outcome = "created", Attempts = 1, AcceptedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow,
        })).ToList();
        await Task.WhenAll(delivered.SelectMany(d => Enumerable.Range(0, Copies).Select(_ => bus.Publish(d))));

        await Eventually.UntilAsync(() => SentAsync(leads), n => n >= Leads * Integrations.Length, TimeSpan.FromSeconds(60),
            "an email for every lead and integration");
        // Every copy consumed, so a second email would have been sent by now.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(async () => await _environment.QueueDepthAsync("notifications-lead-delivered") == 0,
            TimeSpan.FromSeconds(30), "notifications-lead-delivered drained");

        var mail = await MailAsync(leads);
        foreach (var leadId in leads)
        {
            foreach (var id in Integrations)
            {
                Assert.That(mail.Count(m => m.GetProperty("messageId").GetString() == $"notify.{leadId:N}.{id}@leadplatform"), Is.EqualTo(1),
                    $"one email for lead {leadId} via {id}");
            }
        }
        Assert.That(mail, Has.Count.EqualTo(Leads * Integrations.Length));
    }

    private async Task<long> KeptLeadsAsync(IReadOnlyList<Guid> leads)
    {
        await using var dataSource = _environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from notifications.lead where lead_id = any(@leads)", new { leads = leads.ToArray() });
    }

    private async Task<int> SentAsync(IReadOnlyList<Guid> leads) => (await MailAsync(leads)).Count;

    private async Task<List<JsonElement>> MailAsync(IReadOnlyList<Guid> leads)
    {
        var prefixes = leads.Select(l => $"notify.{l:N}.").ToList();
        return ((await _sandbox.Client.GetFromJsonAsync<List<JsonElement>>("sandbox/mail")) ?? [])
            .Where(m => prefixes.Any(p => m.GetProperty("messageId").GetString()?.StartsWith(p, StringComparison.Ordinal) == true)).ToList();
    }
}
