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
    private IsolatedEnvironment _environment = null!;
    private InProcessService _sandbox = null!;
    private readonly List<InProcessService> _instances = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _environment = await IsolatedEnvironment.CreateAsync("notifyscale");
        var config = _environment.ServiceConfiguration();
        var mailPort = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _sandbox = await InProcessService.StartAsync("sandbox-notify-scale", new Dictionary<string, string?>(config) { ["Sandbox:Mail:Port"] = mailPort },
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var notificationConfig = new Dictionary<string, string?>(config)
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = mailPort,
            ["Notifications:Smtp:Tls"] = "none",
        };
        for (var i = 1; i <= 2; i++)
        {
            _instances.Add(await InProcessService.StartAsync($"notifications-{i}", notificationConfig,
                b => { b.AddServiceDefaults(); b.AddNotifications(); },
                a => { a.MapDefaultEndpoints(); a.MapNotifications(); }));
        }
        foreach (var service in _instances.Append(_sandbox))
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
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
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        await _sandbox.DisposeAsync();
        await _environment.DisposeAsync();
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
