using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Integrations.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LeadPlatform.UnitTests.Notifications;

public sealed class NotificationRouteSpecs
{
    private static PlannedDelivery[] To(params string[] crms) =>
        crms.Select((crm, i) => new PlannedDelivery { IntegrationId = $"i{i}", Crm = crm }).ToArray();

    private static Integration WithSettings(string json) => new() { Id = "i", Settings = JsonDocument.Parse(json).RootElement.Clone() };

    [Test]
    public void A_lead_someone_is_to_be_told_of_carries_the_word_after_its_crms()
    {
        Assert.That(NotificationRoute.LeadKey(To("enquire", "alis"), notify: true), Is.EqualTo("alis.enquire.notify"));
        Assert.That(NotificationRoute.LeadKey(To("enquire", "alis"), notify: false), Is.EqualTo("alis.enquire"));
    }

    [Test]
    public void A_lead_that_goes_to_everyone_stays_unkeyed()
    {
        Assert.That(NotificationRoute.LeadKey([], notify: true), Is.Empty);
        Assert.That(NotificationRoute.LeadKey(To("dealer.crm"), notify: true), Is.Empty);
    }

    [Test]
    public void A_key_too_long_with_the_word_goes_to_everyone()
    {
        var crms = To(Enumerable.Range(0, 18).Select(i => $"crm-number-{i:D2}").ToArray());
        Assert.That(CrmRoute.RoutingKey(crms), Is.Not.Empty, "fits without the word");
        Assert.That(NotificationRoute.LeadKey(crms, notify: true), Is.Empty);
    }

    [Test]
    public void A_delivered_lead_is_keyed_notify_or_silent_never_unkeyed()
    {
        Assert.That(NotificationRoute.DeliveredKey(true), Is.EqualTo("notify"));
        Assert.That(NotificationRoute.DeliveredKey(false), Is.EqualTo("silent"));
        Assert.That(NotificationRoute.BindingKey, Is.EqualTo("#.notify.#"));
    }

    [Test]
    public void Only_listed_recipients_or_an_integration_not_known_or_not_readable_may_notify()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NotificationSettings.MayNotify(WithSettings("""{ "notificationRecipients": ["a@example.com"] }""")), Is.True);
            Assert.That(NotificationSettings.MayNotify(WithSettings("""{ "notificationRecipients": [] }""")), Is.False);
            Assert.That(NotificationSettings.MayNotify(WithSettings("""{ "company": "Quiet Motors" }""")), Is.False);
            Assert.That(NotificationSettings.MayNotify(null), Is.True, "not in this catalog yet");
            Assert.That(NotificationSettings.MayNotify(WithSettings("""{ "notificationRecipients": "a@example.com" }""")), Is.True, "settings not readable");
        });
    }

    [Test]
    public async Task A_catalog_that_cannot_be_read_lets_the_lead_be_keyed_for_notifications()
    {
        await using var unreachable = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={ClosedPort()};Username=nobody;Timeout=3");
        var catalog = new IntegrationStore(unreachable, TimeProvider.System, new CredentialProtector(new EphemeralDataProtectionProvider()),
            NullLogger<IntegrationStore>.Instance);

        Assert.That(await NotificationSettings.MayNotifyAsync(catalog, ["i0"], CancellationToken.None), Is.True);
        Assert.That(() => NotificationSettings.MayNotifyAsync(catalog, ["i0"], new CancellationToken(canceled: true)),
            Throws.InstanceOf<OperationCanceledException>(), "a stop is not taken for an unreadable catalog");
    }

    /// <summary>A port nothing listens on: taken from the system, then let go.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
