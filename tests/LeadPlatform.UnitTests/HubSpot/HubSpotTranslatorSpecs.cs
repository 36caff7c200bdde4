using System.Net;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.HubSpot;

public class HubSpotTranslatorSpecs
{
    private static Lead Visitor() => new()
    {
        Source = "chatbot",
        SourceLeadId = "h-1",
        AccountId = "acme",
        Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = "edith@example.com", Address = new Address { PostalCode = "62701" } },
        CustomFields = new Dictionary<string, string> { ["budget"] = "10000" },
        OwnerId = "77",
    };

    private static HubSpotSettings Settings(string policy = FieldUpdatePolicies.ProfileAndSupplier) => new()
    {
        UsageProfile = new UsageProfile { FieldUpdates = policy, FieldMapping = new() { ["customFields.budget"] = "budget_range" } },
    };

    [Test]
    public void A_new_contact_has_profile_properties_lead_status_lifecycle_stage_and_owner()
    {
        var properties = HubSpotTranslator.Translate(Visitor(), Settings()).ForCreate();

        Assert.That(properties["email"], Is.EqualTo("edith@example.com"));
        Assert.That(properties["zip"], Is.EqualTo("62701"));
        Assert.That(properties["budget_range"], Is.EqualTo("10000"));
        Assert.That(properties["hs_lead_status"], Is.EqualTo("NEW"));
        Assert.That(properties["lifecyclestage"], Is.EqualTo("lead"));
        Assert.That(properties["hubspot_owner_id"], Is.EqualTo("77"));
        Assert.That(properties, Does.Not.ContainKey("message"));
    }

    [Test]
    public void Recording_contacts_leaves_the_lifecycle_stage_unset_unless_configured()
    {
        var settings = Settings();
        settings.UsageProfile.RecordAs = RecordKinds.Contact;

        Assert.That(HubSpotTranslator.Translate(Visitor(), settings).ForCreate(), Does.Not.ContainKey("lifecyclestage"));
    }

    [TestCase(FieldUpdatePolicies.None, new string[0])]
    [TestCase(FieldUpdatePolicies.SupplierOnly, new[] { "budget_range" })]
    [TestCase(FieldUpdatePolicies.ProfileAndSupplier, new[] { "budget_range", "email", "firstname", "lastname", "zip" })]
    public void An_update_changes_only_what_the_policy_allows(string policy, string[] expected)
    {
        var settings = Settings(policy);

        var properties = HubSpotTranslator.Translate(Visitor(), settings).ForUpdate(settings.UsageProfile);

        Assert.That(properties.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expected));
    }

    [Test]
    public void The_existing_id_is_read_from_a_409()
    {
        Assert.That(HubSpotErrors.ExistingId("""{"status":"error","message":"Contact already exists. Existing ID: 37765128953","category":"CONFLICT"}"""),
            Is.EqualTo("37765128953"));
        Assert.That(HubSpotErrors.ExistingId("""{"status":"error","message":"Something else","category":"CONFLICT"}"""), Is.Null);
    }

    [TestCase("SECONDLY", 1)]
    [TestCase("TEN_SECONDLY_ROLLING", 10)]
    [TestCase("DAILY", 3600)]
    public void A_429_backs_off_by_the_limit_that_was_hit(string policy, int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        var body = $$"""{"status":"error","message":"limit","errorType":"RATE_LIMIT","policyName":"{{policy}}"}""";

        var ex = HubSpotErrors.ToException(HttpStatusCode.TooManyRequests, body, response.Headers);

        Assert.That(ex, Is.TypeOf<CrmTransientException>());
        Assert.That(((CrmTransientException)ex).RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void A_validation_error_is_permanent_with_HubSpots_message()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);

        var ex = HubSpotErrors.ToException(HttpStatusCode.BadRequest,
            """{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}""", response.Headers);

        Assert.That(ex, Is.TypeOf<CrmPermanentException>());
        Assert.That(ex.Message, Does.Contain("VALIDATION_ERROR: Property values were not valid"));
    }
}
