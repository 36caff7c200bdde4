using LeadPlatform.Testing;
using static LeadPlatform.Testing.SandboxClient;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>The ALIS connector end to end: the seed behaviours, and the pipeline's promises on ALIS.</summary>
[TestFixture]
public class AlisConnectorSpecs() : ConnectorPipelineSpecs("alis")
{
    protected override async Task<IReadOnlyList<Record>> RecordsWithEmailAsync(string email) =>
        (await Platform.SandboxApi.RecordsAsync("alis")).Where(r => Text(r, "email") == email).ToList();

    private static string? Note(Record record, string field) => record.Fields["notes"]?["customFields"]?[field]?.GetValue<string>();

    [Test]
    public async Task A_self_assessor_becomes_a_prospect_with_names_email_phone_source_and_the_survey_in_notes()
    {
        var email = NewEmail("self");
        var leadId = await Platform.PostLeadAsync(Lead(await NewAccountAsync(new { communityId = 12 }), email));

        Assert.That((await Platform.EndedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var prospect = (await RecordsWithEmailAsync(email)).Single();
        Assert.That(prospect.Kind, Is.EqualTo("prospect"));
        Assert.That(Text(prospect, "firstName"), Is.EqualTo("Edith"));
        Assert.That(Text(prospect, "lastName"), Is.EqualTo("Clark"));
        Assert.That(Text(prospect, "phone"), Does.StartWith("555-"));
        Assert.That(Text(prospect, "source"), Is.EqualTo("Roobrik"));
        Assert.That(prospect.Fields["communityId"]!.GetValue<int>(), Is.EqualTo(12));
        Assert.That(Note(prospect, "Survey Outcome"), Is.EqualTo("Assisted Living"));
        Assert.That(Note(prospect, "Report Text"), Is.EqualTo("Edith would thrive in assisted living."));
        Assert.That(Note(prospect, "Report URL"), Is.EqualTo("https://reports.example/1"));
        Assert.That(Note(prospect, "Notes"), Is.EqualTo("Has a cat"));
        Assert.That(Note(prospect, "Contact Preference"), Is.EqualTo("Email"));
        Assert.That((await Platform.SandboxApi.RecordsAsync("alis", "contact")).Where(c => Text(c, "prospectId") == prospect.Id), Is.Empty);
    }

    [Test]
    public async Task A_survey_on_behalf_becomes_a_prospect_with_a_main_contact_names_on_the_contact_email_and_phone_on_both()
    {
        var email = NewEmail("son");
        var account = await NewAccountAsync(new { relationshipTypes = new[] { "Spouse", "Son", "Daughter", "Other Family", "Unknown" } });
        var contact = new { firstName = "Tom", lastName = "Clark", email, phone = NewPhone(), relationship = "step-son" };
        var leadId = await Platform.PostLeadAsync(Lead(account, email, contact, prospect: new { firstName = "Edith", lastName = "Clark" }));

        var delivery = await Platform.EndedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var contacts = await Platform.SandboxApi.RecordsAsync("alis", "contact");
        var mainContact = contacts.Single(c => Text(c, "email") == email);
        Assert.That(Text(mainContact, "firstName"), Is.EqualTo("Tom"));
        Assert.That(Text(mainContact, "phone"), Is.EqualTo(contact.phone));
        Assert.That(Text(mainContact, "relationship"), Is.EqualTo("Son"));
        Assert.That(mainContact.Fields["isMainContact"]!.GetValue<bool>(), Is.True);
        var prospect = (await Platform.SandboxApi.RecordsAsync("alis", "prospect")).Single(p => p.Id == Text(mainContact, "prospectId"));
        Assert.That(Text(prospect, "firstName"), Is.EqualTo("Edith"));
        Assert.That(Text(prospect, "email"), Is.EqualTo(email));
        Assert.That(Text(prospect, "phone"), Is.EqualTo(contact.phone));
        Assert.That(delivery.GetProperty("recordIds").GetProperty("mainContact").GetString(), Is.EqualTo(mainContact.Id));
    }

    [Test]
    public async Task An_unmatched_relationship_is_the_accounts_general_value()
    {
        var email = NewEmail("carrier");
        var account = await NewAccountAsync(new { relationshipTypes = new[] { "Spouse", "Son", "Daughter", "Other" } });
        var contact = new { firstName = "Pat", lastName = "Lee", email, relationship = "mail carrier" };
        var leadId = await Platform.PostLeadAsync(Lead(account, email, contact, prospect: new { lastName = "Clark" }));

        Assert.That((await Platform.EndedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var mainContact = (await Platform.SandboxApi.RecordsAsync("alis", "contact")).Single(c => Text(c, "email") == email);
        Assert.That(Text(mainContact, "relationship"), Is.EqualTo("Other"));
    }

    [Test]
    public async Task A_second_lead_of_the_same_person_updates_the_prospect_and_its_main_contact()
    {
        var account = await NewAccountAsync();
        var email = NewEmail("again");
        var contact = new { firstName = "Anne", lastName = "Clark", email, relationship = "daughter" };
        var first = await Platform.PostLeadAsync(Lead(account, email, contact, prospect: new { firstName = "Edith", lastName = "Clark" }));
        Assert.That((await Platform.EndedDeliveryAsync(first)).GetProperty("state").GetString(), Is.EqualTo("delivered"));

        var second = await Platform.PostLeadAsync(Lead(account, email, contact, prospect: new { firstName = "Edith", lastName = "Clark" }));
        var delivery = await Platform.EndedDeliveryAsync(second);

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var records = await RecordsWithEmailAsync(email);
        Assert.That(records.Select(r => r.Kind), Is.EquivalentTo(new[] { "prospect", "contact" }));
        Assert.That(records.All(r => r.Version > 1), Is.True, "both updated");
    }

    [Test]
    public async Task Refused_credentials_end_as_LeadDeliveryFailed_at_once()
    {
        var account = $"acct-{Guid.NewGuid():N}"[..17];
        await Platform.PutIntegrationAsync(account, credentials: new Dictionary<string, string> { ["username"] = "sandbox@roobrik", ["password"] = "wrong" });

        var leadId = await Platform.PostLeadAsync(Lead(account, NewEmail("denied")));

        var delivery = await Platform.EndedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That(delivery.GetProperty("lastError").GetString(), Does.Contain("401").And.Contain("Invalid username or password"));
    }

    [Test]
    public async Task The_same_contact_asking_for_two_different_people_makes_two_prospects()
    {
        var account = await NewAccountAsync();
        var email = NewEmail("for-both-parents");
        var contact = new { firstName = "Anne", lastName = "Clark", email, relationship = "daughter" };
        var mother = await Platform.EndedDeliveryAsync(await Platform.PostLeadAsync(Lead(account, email, contact, new { firstName = "Edith", lastName = "Clark" })));
        var father = await Platform.EndedDeliveryAsync(await Platform.PostLeadAsync(Lead(account, email, contact, new { firstName = "Frank", lastName = "Clark" })));

        Assert.That(father.GetProperty("recordIds").GetProperty("prospect").GetString(),
            Is.Not.EqualTo(mother.GetProperty("recordIds").GetProperty("prospect").GetString()));
        var prospects = (await RecordsWithEmailAsync(email)).Where(r => r.Kind == "prospect").Select(r => Text(r, "firstName"));
        Assert.That(prospects, Is.EquivalentTo(new[] { "Edith", "Frank" }));
    }
}
