using System.Net;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.Salesforce;

public class SalesforceTranslatorSpecs
{
    private static SalesforceSettings Settings(string policy = FieldUpdatePolicies.ProfileAndSupplier) => new()
    {
        TeamUserId = "005TEAM",
        RepUserIds = new() { ["rep@acme.example"] = "005REP" },
        UsageProfile = new UsageProfile
        {
            FieldUpdates = policy,
            CustomFieldsInNotes = true,
            FieldMapping = new() { ["budget"] = "Budget__c", ["vehicle.make"] = "Make__c" },
        },
    };

    private static Lead Visitor(Interaction? interaction = null, string? ownerId = null) => new()
    {
        Source = "chatbot",
        SourceLeadId = "c-1",
        AccountId = "acme",
        Conversion = Lead.SalesOptIn,
        Prospect = new Person
        {
            FirstName = "Edith",
            LastName = "Clark",
            Email = "edith@example.com",
            Phone = "555-0100",
            Address = new Address { City = "Springfield", RegionCode = "IL" },
        },
        Vehicle = new Vehicle { Make = "Volvo" },
        Comments = "Call after 5",
        CustomFields = new Dictionary<string, string> { ["budget"] = "10000", ["timeline"] = "soon" },
        Interaction = interaction,
        OwnerId = ownerId,
    };

    [Test]
    public void An_explicit_owner_id_wins() =>
        Assert.That(SalesforceTranslator.Owner(Visitor(new Interaction { Kind = "chat", RepEmail = "rep@acme.example" }, "005X"), Settings()), Is.EqualTo("005X"));

    [TestCase("chat", "rep@acme.example", "005REP")]
    [TestCase("meeting", "REP@ACME.EXAMPLE", "005REP")]
    [TestCase("meeting", "other@acme.example", "005TEAM")]
    [TestCase("experience", "rep@acme.example", "005TEAM")]
    [TestCase(null, null, "005TEAM")]
    public void The_rep_with_an_individual_connection_else_the_team_user_owns_a_new_lead(string? kind, string? rep, string owner) =>
        Assert.That(SalesforceTranslator.Owner(Visitor(new Interaction { Kind = kind, RepEmail = rep }), Settings()), Is.EqualTo(owner));

    [Test]
    public void Without_a_team_user_the_owner_is_left_to_Salesforce() =>
        Assert.That(SalesforceTranslator.Owner(Visitor(), new SalesforceSettings()), Is.Null);

    [Test]
    public void A_new_lead_carries_profile_mapped_and_required_fields()
    {
        var fields = SalesforceTranslator.Translate(Visitor(), Settings(), SalesforceTranslator.Lead).ForCreate();

        Assert.That(fields["LastName"], Is.EqualTo("Clark"));
        Assert.That(fields["City"], Is.EqualTo("Springfield"));
        Assert.That(fields["State"], Is.EqualTo("IL"));
        Assert.That(fields["Budget__c"], Is.EqualTo("10000"));
        Assert.That(fields["Make__c"], Is.EqualTo("Volvo"));
        Assert.That(fields["Company"], Is.EqualTo(SalesforceTranslator.NotProvided));
        Assert.That(fields["LeadSource"], Is.EqualTo("Chatbot"));
        Assert.That(fields["OwnerId"], Is.EqualTo("005TEAM"));
        Assert.That(fields["Description"], Is.EqualTo("Call after 5\nbudget: 10000\ntimeline: soon"));
    }

    [Test]
    public void Missing_last_name_and_company_are_filled_and_the_company_setting_is_used()
    {
        var lead = Visitor() with { Prospect = new Person { Email = "x@example.com" } };
        var settings = Settings();
        settings.Company = "Acme Motors";

        var fields = SalesforceTranslator.Translate(lead, settings, SalesforceTranslator.Lead).ForCreate();

        Assert.That(fields["LastName"], Is.EqualTo("[not provided]"));
        Assert.That(fields["Company"], Is.EqualTo("Acme Motors"));
    }

    [Test]
    public void A_contact_uses_mailing_address_fields_and_no_company()
    {
        var fields = SalesforceTranslator.Translate(Visitor(), Settings(), SalesforceTranslator.Contact).ForCreate();

        Assert.That(fields["MailingCity"], Is.EqualTo("Springfield"));
        Assert.That(fields, Does.Not.ContainKey("Company"));
        Assert.That(fields, Does.Not.ContainKey("City"));
    }

    [TestCase(FieldUpdatePolicies.None, new string[0])]
    [TestCase(FieldUpdatePolicies.SupplierOnly, new[] { "Budget__c", "Description", "Make__c" })]
    [TestCase(FieldUpdatePolicies.ProfileAndSupplier, new[] { "Budget__c", "City", "Description", "Email", "FirstName", "LastName", "Make__c", "Phone", "State" })]
    public void An_update_changes_only_what_the_policy_allows_and_never_the_owner(string policy, string[] expected)
    {
        var settings = Settings(policy);
        var fields = SalesforceTranslator.Translate(Visitor(), settings, SalesforceTranslator.Lead).ForUpdate(settings.UsageProfile);

        Assert.That(fields.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expected));
    }

    [Test]
    public void SOQL_values_are_escaped()
    {
        Assert.That(Soql.Quote("o'brien\\x@example.com"), Is.EqualTo("'o\\'brien\\\\x@example.com'"));
        Assert.That(Soql.ExistingLead("a'b@example.com"), Is.EqualTo(
            "SELECT Id, OwnerId FROM Lead WHERE Email = 'a\\'b@example.com' AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1"));
    }

    [Test]
    public void REQUEST_LIMIT_EXCEEDED_is_throttling_with_the_configured_wait()
    {
        var ex = SalesforceErrors.ToException(HttpStatusCode.Forbidden,
            """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", null, TimeSpan.FromMinutes(5));

        Assert.That(ex, Is.TypeOf<CrmTransientException>());
        Assert.That(((CrmTransientException)ex).RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public void A_validation_error_is_permanent_with_code_message_and_fields()
    {
        var ex = SalesforceErrors.ToException(HttpStatusCode.BadRequest,
            """[{"message":"Required fields are missing: [Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}]""", null, TimeSpan.Zero);

        Assert.That(ex, Is.TypeOf<CrmPermanentException>());
        Assert.That(ex.Message, Does.Contain("REQUIRED_FIELD_MISSING: Required fields are missing: [Company] [Company]"));
    }

    [Test]
    public void An_expired_session_is_recognized_but_another_403_is_not_a_session_problem()
    {
        Assert.That(SalesforceErrors.IsInvalidSession(HttpStatusCode.Unauthorized,
            """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""), Is.True);
        Assert.That(SalesforceErrors.IsInvalidSession(HttpStatusCode.Forbidden,
            """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"""), Is.False);
    }
}
