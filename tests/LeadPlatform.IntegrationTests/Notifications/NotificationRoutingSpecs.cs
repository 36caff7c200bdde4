using System.Globalization;
using LeadPlatform.Contracts;
using LeadPlatform.IntegrationTests.Connectors;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Notifications;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace LeadPlatform.IntegrationTests.Notifications;

/// <summary>
/// The notifications service gets a lead's <c>LeadConverted</c> and <c>LeadDelivered</c> only when its integration
/// has recipients (<see cref="NotificationRoute"/>, <see cref="NotificationRouting"/>), on the real broker: ingestion,
/// the Salesforce connector, the sandbox and notifications. Each "did not reach" is read after a later message to the
/// same queue was consumed, so the earlier one would have been there first.
/// </summary>
public sealed class NotificationRoutingSpecs
{
    private CrmApiPlatform _platform = null!;
    private ConsumedLeads _consumed = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var mailPort = FreePort.Next();
        _platform = await CrmApiPlatform.StartAsync("notify-route",
            new Dictionary<string, string?> { ["Sandbox:Mail:Port"] = mailPort.ToString(CultureInfo.InvariantCulture) },
            more: b => b.WithNotifications(mailPort));
        await _platform.PutSalesforceIntegrationAsync("route-told", "route-told",
            new { teamUserId = "005TEAM", company = "Told Motors", notificationRecipients = new[] { "sales@route.example" } });
        await _platform.PutSalesforceIntegrationAsync("route-quiet", "route-quiet", new { teamUserId = "005TEAM", company = "Quiet Motors" });
        Observe(_platform.Notifications);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task A_lead_through_an_integration_without_recipients_never_reaches_the_notifications_service()
    {
        var quiet = await DeliveredLeadAsync("route-quiet");
        var told = await DeliveredLeadAsync("route-told");

        await ConvertedAsync(told);
        await DeliveredAsync(told);
        Assert.Multiple(() =>
        {
            Assert.That(_consumed.Count(quiet), Is.Zero, "the quiet lead's LeadConverted");
            Assert.That(_consumed.Delivered(quiet), Is.Zero, "the quiet lead's LeadDelivered");
        });
    }

    [Test]
    public async Task Lead_messages_published_without_a_routing_key_still_reach_it()
    {
        // As an older ingestion or connector (or a connector team's test) publishes them: plain, no key.
        var bus = _platform.Ingestion.Services.GetRequiredService<IBus>();
        var converted = Converted();
        var delivered = Delivered();
        await bus.Publish(converted);
        await bus.Publish(delivered);

        await ConvertedAsync(converted.LeadId);
        await DeliveredAsync(delivered.LeadId);
    }

    [Test]
    public async Task The_service_removes_the_direct_binding_an_earlier_version_made()
    {
        var bus = _platform.Ingestion.Services.GetRequiredService<IBus>();
        await using (var connection = await new ConnectionFactory { Uri = new Uri(_platform.Environment.RabbitMqUri) }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeBindAsync(destination: LeadDeliveredNotifierDefinition.Queue,
                source: TopicRouting.MessageExchange<LeadDelivered>(), routingKey: "");
        }
        var throughOldBinding = Delivered();
        await bus.Publish(throughOldBinding, ctx => ctx.SetRoutingKey(NotificationRoute.Silent));
        await DeliveredAsync(throughOldBinding.LeadId);

        Observe(await _platform.RestartAsync(TestPlatform.NotificationsRole));
        await Eventually.UntilAsync(() => _platform.Environment.BindingSourcesAsync(LeadDeliveredNotifierDefinition.Queue),
            sources => !sources.Contains(TopicRouting.MessageExchange<LeadDelivered>()), TimeSpan.FromSeconds(15), "the direct binding removed");

        var silent = Delivered();
        var notify = Delivered();
        await bus.Publish(silent, ctx => ctx.SetRoutingKey(NotificationRoute.Silent));
        await bus.Publish(notify, ctx => ctx.SetRoutingKey(NotificationRoute.Notify));
        await DeliveredAsync(notify.LeadId);
        Assert.That(_consumed.Delivered(silent.LeadId), Is.Zero, "the direct binding still carries every delivered lead");
    }

    private void Observe(InProcessService notifications)
    {
        _consumed = new ConsumedLeads();
        notifications.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed);
    }

    private Task ConvertedAsync(Guid leadId) =>
        Eventually.UntilAsync(() => Task.FromResult(_consumed.Count(leadId) > 0), TimeSpan.FromSeconds(15), $"notifications consumed LeadConverted of {leadId}");

    private Task DeliveredAsync(Guid leadId) =>
        Eventually.UntilAsync(() => Task.FromResult(_consumed.Delivered(leadId) > 0), TimeSpan.FromSeconds(15), $"notifications consumed LeadDelivered of {leadId}");

    private async Task<Guid> DeliveredLeadAsync(string account)
    {
        var leadId = await _platform.PostLeadAsync(new
        {
            source = "chatbot", sourceLeadId = Guid.NewGuid().ToString("N"), accountId = account, conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Routeson", email = $"{Guid.NewGuid():N}@example.com" },
        });
        Assert.That((await _platform.FinishedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        return Guid.Parse(leadId);
    }

    /// <summary>A lead planned for nobody: consumed, and nothing kept.</summary>
    private static LeadConverted Converted() => new()
    {
        LeadId = Guid.NewGuid(),
        AcceptedAt = DateTimeOffset.UtcNow,
        Lead = new Lead
        {
            Source = "chatbot", SourceLeadId = Guid.NewGuid().ToString("N"), AccountId = "nobody", Conversion = "sales-opt-in",
            Prospect = new Person { FirstName = "Edith", LastName = "Routeson" },
        },
        Deliveries = [],
    };

    /// <summary>A delivery through an integration nobody configured: consumed, and no email.</summary>
    private static LeadDelivered Delivered() => new()
    {
        LeadId = Guid.NewGuid(),
        IntegrationId = "nobody",
        Crm = "salesforce",
        RecordIds = new Dictionary<string, string>(),
        Outcome = "created",
        Attempts = 1,
        AcceptedAt = DateTimeOffset.UtcNow,
        DeliveredAt = DateTimeOffset.UtcNow,
    };
}
