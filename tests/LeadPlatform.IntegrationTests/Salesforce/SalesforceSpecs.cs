using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Salesforce;

/// <summary>Leads into the Salesforce stand-in over real HTTP, through the real broker and database.</summary>
[TestFixture]
public class SalesforceSpecs
{
    private CrmApiPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await CrmApiPlatform.StartAsync("salesforce");
        await _platform.PutSalesforceIntegrationAsync("acme-sf", "acme-sf", Settings("profile-and-supplier"));
        await _platform.PutSalesforceIntegrationAsync("acme-sf-contacts", "acme-sf-contacts", new { teamUserId = "005TEAM", usageProfile = new { recordAs = "contact" } });
        foreach (var policy in new[] { "none", "supplier", "profile-and-supplier" })
        {
            await _platform.PutSalesforceIntegrationAsync($"policy-{policy}", $"policy-{policy}", Settings(policy));
        }
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [TearDown]
    public Task ClearFaults() => _platform.SandboxApi.ClearFaultsAsync("salesforce");

    private static object Settings(string policy) => new
    {
        apiVersion = "v60.0",
        teamUserId = "005TEAM",
        repUserIds = new Dictionary<string, string> { ["rep@acme.example"] = "005REP" },
        company = "Acme Motors",
        requestLimitRetryAfterSeconds = 1,
        usageProfile = new
        {
            fieldUpdates = policy,
            customFieldsInNotes = true,
            fieldMapping = new Dictionary<string, string> { ["budget"] = "Budget__c" },
        },
    };

    private static object Lead(string accountId, string sourceLeadId, string email, object? interaction = null, string? ownerId = null,
        string lastName = "Clark", string phone = "555-0100", string budget = "10000") => new
        {
            source = "chatbot",
            sourceLeadId,
            accountId,
            conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName, email, phone },
            interaction,
            ownerId,
            customFields = new Dictionary<string, string> { ["budget"] = budget },
        };

    private async Task<SandboxClient.Record> DeliveredLeadAsync(string leadId, string kind = "lead")
    {
        var delivery = await _platform.FinishedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        var id = delivery.GetProperty("recordIds").GetProperty(kind).GetString();
        return (await _platform.SandboxApi.RecordsAsync("salesforce", kind)).Single(r => r.Id == id);
    }

    [Test]
    public async Task An_explicit_owner_id_owns_the_new_lead_and_assignment_rules_are_off()
    {
        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "owner-explicit", "explicit@example.com",
            new { kind = "chat", repEmail = "rep@acme.example" }, ownerId: "005EXPLICIT"));

        var lead = await DeliveredLeadAsync(leadId);
        Assert.That(SandboxClient.Text(lead, "OwnerId"), Is.EqualTo("005EXPLICIT"));
        Assert.That(SandboxClient.Text(lead, "_sforceAutoAssign"), Is.EqualTo("FALSE"));
        Assert.That(SandboxClient.Text(lead, "Company"), Is.EqualTo("Acme Motors"));
        Assert.That(SandboxClient.Text(lead, "Budget__c"), Is.EqualTo("10000"));
        Assert.That(SandboxClient.Text(lead, "Description"), Does.Contain("budget: 10000"));
    }

    [Test]
    public async Task The_rep_the_visitor_chatted_with_owns_the_lead_when_the_rep_has_an_individual_connection()
    {
        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "owner-rep", "chatted@example.com", new { kind = "chat", repEmail = "REP@acme.example" }));

        Assert.That(SandboxClient.Text(await DeliveredLeadAsync(leadId), "OwnerId"), Is.EqualTo("005REP"));
    }

    [Test]
    public async Task A_meeting_with_a_rep_without_an_individual_connection_goes_to_the_team_user()
    {
        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "owner-unconnected", "met@example.com", new { kind = "meeting", repEmail = "new.rep@acme.example" }));

        Assert.That(SandboxClient.Text(await DeliveredLeadAsync(leadId), "OwnerId"), Is.EqualTo("005TEAM"));
    }

    [Test]
    public async Task A_visitor_who_only_engaged_with_an_experience_goes_to_the_team_user()
    {
        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "owner-experience", "experienced@example.com", new { kind = "experience", repEmail = "rep@acme.example" }));

        Assert.That(SandboxClient.Text(await DeliveredLeadAsync(leadId), "OwnerId"), Is.EqualTo("005TEAM"));
    }

    [Test]
    public async Task An_existing_lead_keeps_its_owner_and_is_updated_not_duplicated()
    {
        var first = await DeliveredLeadAsync(await _platform.PostLeadAsync(
            Lead("acme-sf", "existing-1", "o'brien+existing@example.com", new { kind = "chat", repEmail = "rep@acme.example" })));

        var secondId = await _platform.PostLeadAsync(Lead("acme-sf", "existing-2", "O'Brien+existing@example.com", ownerId: "005OTHER", phone: "555-0199"));
        var second = await DeliveredLeadAsync(secondId);

        Assert.That(second.Id, Is.EqualTo(first.Id));
        Assert.That(SandboxClient.Text(second, "OwnerId"), Is.EqualTo("005REP"));
        Assert.That(SandboxClient.Text(second, "Phone"), Is.EqualTo("555-0199"));
        var leads = await _platform.SandboxApi.RecordsAsync("salesforce", "lead");
        Assert.That(leads.Count(r => string.Equals(SandboxClient.Text(r, "Email"), "o'brien+existing@example.com", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1));
    }

    [Test]
    public async Task A_contact_match_is_reported_and_not_duplicated_as_a_lead()
    {
        var contact = await DeliveredLeadAsync(await _platform.PostLeadAsync(Lead("acme-sf-contacts", "contact-1", "known.contact@example.com")), "contact");
        Assert.That(SandboxClient.Text(contact, "OwnerId"), Is.EqualTo("005TEAM"));

        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "contact-2", "known.contact@example.com"));

        var matched = await DeliveredLeadAsync(leadId, "contact");
        Assert.That(matched.Id, Is.EqualTo(contact.Id));
        var leads = await _platform.SandboxApi.RecordsAsync("salesforce", "lead");
        Assert.That(leads.Any(r => SandboxClient.Text(r, "Email") == "known.contact@example.com"), Is.False);
    }

    [Test]
    public async Task REQUEST_LIMIT_EXCEEDED_is_waited_out_not_an_auth_failure()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "salesforce", mode = "request-limit", count = 2 });

        var leadId = await _platform.PostLeadAsync(Lead("acme-sf", "throttled", "throttled@example.com"));

        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(30));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task An_invalid_session_refreshes_the_token_once_and_retries()
    {
        // A first delivery makes sure a token is cached, so the expiry hits a session in use.
        await DeliveredLeadAsync(await _platform.PostLeadAsync(Lead("acme-sf", "session-warm", "session.warm@example.com")));
        var grantsBefore = (await _platform.SandboxApi.RecordsAsync("salesforce", "oauth-grant")).Count;
        await _platform.SandboxApi.FaultAsync(new { crm = "salesforce", mode = "session-expired", count = 1 });

        var lead = await DeliveredLeadAsync(await _platform.PostLeadAsync(Lead("acme-sf", "session-expired", "session.expired@example.com")));

        var grants = await _platform.SandboxApi.RecordsAsync("salesforce", "oauth-grant");
        Assert.That(grants, Has.Count.EqualTo(grantsBefore + 1));
        Assert.That(SandboxClient.Text(grants[^1], "grantType"), Is.EqualTo("refresh_token"));
        Assert.That(SandboxClient.Text(lead, "Email"), Is.EqualTo("session.expired@example.com"));
    }

    [Test]
    public async Task A_session_still_invalid_after_one_refresh_fails_the_delivery_as_an_auth_failure()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "salesforce", mode = "session-expired", count = 2 });

        var delivery = await _platform.FinishedDeliveryAsync(await _platform.PostLeadAsync(Lead("acme-sf", "session-dead", "session.dead@example.com")));

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(delivery.GetProperty("lastError").GetString(), Does.Contain("INVALID_SESSION_ID"));
    }

    [Test]
    public async Task A_validation_error_fails_the_delivery_at_once_with_Salesforces_message()
    {
        await _platform.SandboxApi.FaultAsync(new { crm = "salesforce", mode = "400", count = 1, message = "Phone must have 10 digits" });

        var delivery = await _platform.FinishedDeliveryAsync(await _platform.PostLeadAsync(Lead("acme-sf", "invalid", "invalid@example.com")));

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(delivery.GetProperty("lastError").GetString(), Does.Contain("FIELD_CUSTOM_VALIDATION_EXCEPTION").And.Contain("Phone must have 10 digits"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
    }

    [TestCase("none", "555-0001", "10000")]
    [TestCase("supplier", "555-0001", "20000")]
    [TestCase("profile-and-supplier", "555-0002", "20000")]
    public async Task Each_field_update_policy_changes_exactly_the_fields_it_allows(string policy, string phone, string budget)
    {
        var account = $"policy-{policy}";
        var email = $"{policy}@example.com";
        var created = await DeliveredLeadAsync(await _platform.PostLeadAsync(Lead(account, $"{policy}-1", email, lastName: "Clark", phone: "555-0001", budget: "10000")));

        var updated = await DeliveredLeadAsync(await _platform.PostLeadAsync(
            Lead(account, $"{policy}-2", email, lastName: "Clark-Jones", phone: "555-0002", budget: "20000")));

        Assert.That(updated.Id, Is.EqualTo(created.Id));
        Assert.That(SandboxClient.Text(updated, "Phone"), Is.EqualTo(phone));
        Assert.That(SandboxClient.Text(updated, "LastName"), Is.EqualTo(phone == "555-0002" ? "Clark-Jones" : "Clark"));
        Assert.That(SandboxClient.Text(updated, "Budget__c"), Is.EqualTo(budget));
        Assert.That(SandboxClient.Text(updated, "Description"), Does.Contain($"budget: {budget}"));
        Assert.That(SandboxClient.Text(updated, "OwnerId"), Is.EqualTo("005TEAM"));
        Assert.That(updated.Version, Is.EqualTo(policy == "none" ? 1 : 2));
    }
}
