using System.Text.Json;
using LeadPlatform.Integrations;
using LeadPlatform.Sandbox;

namespace LeadPlatform.IntegrationTests.Opportunities;

/// <summary>
/// Opportunities back to the supplier, end to end with the Salesforce stand-in: a lead goes out as a Contact, a CRM
/// user opens an Opportunity on it (record mode) or on another contact with the lead's email (email mode), Salesforce
/// pushes it (outbound message) or Disposition polls it (SOQL), and the supplier sees it on <c>GET /v1/leads/{id}</c>.
/// </summary>
[TestFixture]
public class SalesforceOpportunitySpecs
{
    private const string PathSecret = "opportunity-outbound-secret-0123456789abcdef";
    private OpportunityPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await OpportunityPlatform.StartAsync("opportunities-salesforce");
        foreach (var (id, direction) in new[] { ("opp-sf-push", IntegrationDirections.InboundPush), ("opp-sf-poll", IntegrationDirections.InboundPoll) })
        {
            await _platform.PutIntegrationAsync(new Integration
            {
                Id = id, AccountId = id, Crm = "salesforce", Endpoint = _platform.Crm.Sandbox.BaseAddress.ToString(),
                Directions = [IntegrationDirections.Outbound, direction],
                Credentials = new Dictionary<string, string>
                {
                    ["clientId"] = "sandbox-sf-client", ["clientSecret"] = "sandbox-sf-secret", ["outboundMessageSecret"] = PathSecret,
                },
                Settings = JsonSerializer.SerializeToElement(new
                {
                    teamUserId = "005TEAM", usageProfile = new { recordAs = "contact" }, shareOpportunities = true,
                    organizationId = SalesforceOutboundSender.DefaultOrganizationId[..15], pollIntervalSeconds = 1,
                }),
            });
        }
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private static object Lead(string accountId, string email) => new
    {
        source = "chatbot", sourceLeadId = Guid.NewGuid().ToString("N"), accountId, conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email, phone = "555-0100" },
    };

    private static string Email() => $"{Guid.NewGuid():N}@opportunity.example";

    [Test]
    public async Task A_pushed_opportunity_on_the_delivered_contact_shows_on_the_lead_once_and_its_update_replaces_it()
    {
        var (leadId, recordIds) = await _platform.DeliveredLeadAsync(Lead("opp-sf-push", Email()));
        var contactId = recordIds.GetProperty("contact").GetString()!;
        var opportunityId = await _platform.SalesforceCreateAsync("Opportunity",
            new { Name = "Edith Clark - tour", StageName = "Prospecting", Amount = 42000.50m, CloseDate = "2026-12-15", ContactId = contactId });

        await _platform.OutboundMessageAsync("opp-sf-push", PathSecret, "04lOPP0000000001", "Opportunity", opportunityId);
        var shown = (await _platform.OpportunityShownAsync(leadId, opportunityId, "Prospecting")).Single();
        Assert.That(shown.GetProperty("crm").GetString(), Is.EqualTo("salesforce"));
        Assert.That(shown.GetProperty("integrationId").GetString(), Is.EqualTo("opp-sf-push"));
        Assert.That(shown.GetProperty("amount").GetDecimal(), Is.EqualTo(42000.50m));
        Assert.That(shown.GetProperty("closeDate").GetString(), Is.EqualTo("2026-12-15"));
        Assert.That(shown.GetProperty("matchedBy").GetString(), Is.EqualTo("record"));
        Assert.That(shown.GetProperty("updatedAt").GetDateTimeOffset(), Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.That(shown.TryGetProperty("email", out _), Is.False, "no personal data beyond the lead's own");

        // Salesforce resends an unacknowledged notification with the same id: nothing changes.
        await _platform.OutboundMessageAsync("opp-sf-push", PathSecret, "04lOPP0000000001", "Opportunity", opportunityId);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That((await _platform.OpportunitiesAsync(leadId)).Single().ToString(), Is.EqualTo(shown.ToString()));
        Assert.That(await _platform.TimelineOpportunitiesAsync(leadId), Is.EqualTo(1));

        await _platform.SalesforceUpdateAsync("Opportunity", opportunityId, new { StageName = "Closed Won", Amount = 45000m });
        await _platform.OutboundMessageAsync("opp-sf-push", PathSecret, "04lOPP0000000002", "Opportunity", opportunityId);
        var updated = (await _platform.OpportunityShownAsync(leadId, opportunityId, "Closed Won")).Single();
        Assert.That(updated.GetProperty("amount").GetDecimal(), Is.EqualTo(45000m));
    }

    [Test]
    public async Task A_pushed_opportunity_on_another_contact_with_the_leads_email_shows_on_the_lead()
    {
        var email = Email();
        var (leadId, _) = await _platform.DeliveredLeadAsync(Lead("opp-sf-push", email));
        var otherContact = await _platform.SalesforceCreateAsync("Contact", new { LastName = "Clark", Email = email });
        var opportunityId = await _platform.SalesforceCreateAsync("Opportunity",
            new { Name = "Clark deal", StageName = "Negotiation/Review", Amount = 1200m, CloseDate = "2027-01-31", ContactId = otherContact });

        await _platform.OutboundMessageAsync("opp-sf-push", PathSecret, "04lOPP0000000003", "Opportunity", opportunityId);
        var shown = (await _platform.OpportunityShownAsync(leadId, opportunityId, "Negotiation/Review")).Single();
        Assert.That(shown.GetProperty("matchedBy").GetString(), Is.EqualTo("email"));
    }

    [Test]
    public async Task Polled_opportunities_show_on_their_leads_by_record_and_by_email_and_repeated_polls_change_nothing()
    {
        var email = Email();
        var (byRecord, recordIds) = await _platform.DeliveredLeadAsync(Lead("opp-sf-poll", Email()));
        var (byEmail, _) = await _platform.DeliveredLeadAsync(Lead("opp-sf-poll", email));
        var onContact = await _platform.SalesforceCreateAsync("Opportunity", new
        {
            Name = "Polled", StageName = "Qualification", Amount = 900m, CloseDate = "2027-02-01", ContactId = recordIds.GetProperty("contact").GetString(),
        });
        var otherContact = await _platform.SalesforceCreateAsync("Contact", new { LastName = "Clark", Email = email });
        var onEmail = await _platform.SalesforceCreateAsync("Opportunity",
            new { Name = "Polled by email", StageName = "Proposal", CloseDate = "2027-03-01", ContactId = otherContact });

        var first = (await _platform.OpportunityShownAsync(byRecord, onContact, "Qualification")).Single();
        Assert.That(first.GetProperty("matchedBy").GetString(), Is.EqualTo("record"));
        var second = (await _platform.OpportunityShownAsync(byEmail, onEmail, "Proposal")).Single();
        Assert.That(second.GetProperty("matchedBy").GetString(), Is.EqualTo("email"));
        Assert.That(second.GetProperty("amount").ValueKind, Is.EqualTo(JsonValueKind.Null));

        await Task.Delay(TimeSpan.FromSeconds(3)); // several more polls re-read the same records
        Assert.That((await _platform.OpportunitiesAsync(byRecord)).Single().ToString(), Is.EqualTo(first.ToString()));
        Assert.That(await _platform.TimelineOpportunitiesAsync(byRecord), Is.EqualTo(1));

        await _platform.SalesforceUpdateAsync("Opportunity", onContact, new { StageName = "Closed Lost" });
        await _platform.OpportunityShownAsync(byRecord, onContact, "Closed Lost");
    }
}
