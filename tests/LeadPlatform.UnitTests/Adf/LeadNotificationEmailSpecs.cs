using LeadPlatform.Contracts;
using LeadPlatform.Notifications;
using MimeKit;

namespace LeadPlatform.UnitTests.Adf;

public class LeadNotificationEmailSpecs
{
    [Test]
    public void The_notification_has_plain_text_and_HTML_alternatives_with_the_lead_and_where_it_went()
    {
        var leadId = Guid.NewGuid();
        var converted = new LeadConverted
        {
            LeadId = leadId,
            AcceptedAt = DateTimeOffset.UtcNow,
            Lead = new Lead
            {
                Source = "roobrik", SourceLeadId = "r-1", AccountId = "acme", Conversion = Lead.SalesOptIn,
                Prospect = new Person { FirstName = "Edith <b>", LastName = "Clark", Email = "edith@example.com", Phone = "555-0100" },
                Vehicle = new Vehicle { Year = 2025, Make = "Toyota", Model = "RAV4" },
            },
            Deliveries = [],
        };
        var delivered = new LeadDelivered
        {
            LeadId = leadId, IntegrationId = "acme-adf", Crm = "adf", Outcome = "created", Attempts = 1,
            RecordIds = new Dictionary<string, string> { ["adf"] = "ADF-000001" },
            AcceptedAt = DateTimeOffset.UtcNow, DeliveredAt = DateTimeOffset.UtcNow,
        };

        var message = LeadNotificationEmail.Create(converted, delivered);

        var alternative = (MultipartAlternative)message.Body!;
        Assert.That(alternative.Select(p => p.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        Assert.That(message.TextBody, Does.Contain("Prospect: Edith <b> Clark").And.Contain("Email: edith@example.com")
            .And.Contain("Vehicle: 2025 Toyota RAV4").And.Contain("CRM record ids: adf ADF-000001").And.Contain("integration acme-adf"));
        Assert.That(message.HtmlBody, Does.Contain("Edith &lt;b&gt; Clark").And.Contain("ADF-000001").And.Not.Contain("<b>"));
        Assert.That(message.MessageId, Is.EqualTo($"notify.{leadId:N}.acme-adf@leadplatform"));
    }
}
