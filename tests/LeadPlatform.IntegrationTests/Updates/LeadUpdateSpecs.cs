using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Updates;

/// <summary>
/// A lead changed after delivery (PATCH or a resubmission) reaches the HubSpot contact it made, under the
/// integration's field-update policy; over real HTTP, the real broker and database.
/// </summary>
[TestFixture]
public class LeadUpdateSpecs
{
    private UpdatesPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await UpdatesPlatform.StartAsync("updates");
        foreach (var (id, policy) in new[] { ("upd-all", "profile-and-supplier"), ("upd-supplier", "supplier"), ("upd-none", "none") })
        {
            await _platform.PutHubSpotIntegrationAsync(id, new
            {
                usageProfile = new { fieldUpdates = policy, fieldMapping = new Dictionary<string, string> { ["budget"] = "budget_range" } },
            });
        }
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private static object Lead(string accountId, string sourceLeadId, string phone = "555-0100", string budget = "10000") => new
    {
        source = "chatbot",
        sourceLeadId,
        accountId,
        conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email = $"{sourceLeadId}@example.com", phone },
        customFields = new Dictionary<string, string> { ["budget"] = budget },
    };

    private const string PhoneAndBudget = """{ "prospect": { "phone": "555-0199" }, "customFields": { "budget": "20000" } }""";

    private async Task<(string LeadId, SandboxClient.Record Contact)> DeliveredAsync(string accountId, string sourceLeadId)
    {
        var leadId = (await _platform.PostLeadAsync(Lead(accountId, sourceLeadId))).GetProperty("leadId").GetString()!;
        return (leadId, await _platform.DeliveredContactAsync(leadId));
    }

    private async Task<JsonElement> PatchAsync(string leadId, string patch)
    {
        using var response = await _platform.PatchLeadAsync(leadId, patch);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task Under_profile_and_supplier_a_patch_changes_the_profile_and_supplier_fields()
    {
        var (leadId, contact) = await DeliveredAsync("upd-all", "upd-all-1");

        var patched = await PatchAsync(leadId, PhoneAndBudget);

        Assert.That(patched.GetProperty("version").GetInt32(), Is.EqualTo(1));
        Assert.That(patched.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()),
            Is.EquivalentTo(new[] { "prospect.phone", "customFields.budget" }));
        await _platform.WaitForUpdateAsync(leadId, 1);
        var updated = await _platform.ContactAsync(contact.Id);
        Assert.That(SandboxClient.Text(updated, "phone"), Is.EqualTo("555-0199"));
        Assert.That(SandboxClient.Text(updated, "budget_range"), Is.EqualTo("20000"));
        Assert.That(SandboxClient.Text(updated, "email"), Is.EqualTo("upd-all-1@example.com"));
    }

    [Test]
    public async Task Under_supplier_only_a_patch_changes_the_supplier_fields_and_not_the_profile()
    {
        var (leadId, contact) = await DeliveredAsync("upd-supplier", "upd-supplier-1");

        await PatchAsync(leadId, PhoneAndBudget);

        await _platform.WaitForUpdateAsync(leadId, 1);
        var updated = await _platform.ContactAsync(contact.Id);
        Assert.That(SandboxClient.Text(updated, "budget_range"), Is.EqualTo("20000"));
        Assert.That(SandboxClient.Text(updated, "phone"), Is.EqualTo("555-0100"));
    }

    [Test]
    public async Task Under_none_a_patch_changes_nothing_in_the_crm()
    {
        var (leadId, contact) = await DeliveredAsync("upd-none", "upd-none-1");

        await PatchAsync(leadId, PhoneAndBudget);

        await _platform.WaitForUpdateAsync(leadId, 1);
        var after = await _platform.ContactAsync(contact.Id);
        Assert.That(after.Version, Is.EqualTo(contact.Version), "no write to the contact");
        Assert.That(SandboxClient.Text(after, "phone"), Is.EqualTo("555-0100"));
        Assert.That(SandboxClient.Text(after, "budget_range"), Is.EqualTo("10000"));
    }

    [Test]
    public async Task A_resubmission_with_changed_fields_keeps_the_lead_id_and_updates_the_contact()
    {
        var (leadId, contact) = await DeliveredAsync("upd-all", "upd-resubmit-1");

        var again = await _platform.PostLeadAsync(Lead("upd-all", "upd-resubmit-1", phone: "555-0142"));

        Assert.That(again.GetProperty("leadId").GetString(), Is.EqualTo(leadId));
        Assert.That(again.GetProperty("duplicate").GetBoolean(), Is.True);
        await _platform.WaitForUpdateAsync(leadId, 1);
        Assert.That(SandboxClient.Text(await _platform.ContactAsync(contact.Id), "phone"), Is.EqualTo("555-0142"));
        var stored = await _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");
        Assert.That(stored.GetProperty("lead").GetProperty("prospect").GetProperty("phone").GetString(), Is.EqualTo("555-0142"));
        var contacts = await _platform.SandboxApi.RecordsAsync("hubspot", "contact");
        Assert.That(contacts.Count(c => SandboxClient.Text(c, "email") == "upd-resubmit-1@example.com"), Is.EqualTo(1));
    }

    [Test]
    public async Task An_unchanged_resubmission_publishes_no_update()
    {
        var (leadId, _) = await DeliveredAsync("upd-all", "upd-same-1");

        var again = await _platform.PostLeadAsync(Lead("upd-all", "upd-same-1"));

        Assert.That(again.GetProperty("leadId").GetString(), Is.EqualTo(leadId));
        Assert.That((await _platform.LedgerAsync(leadId))!.UpdateVersion, Is.EqualTo(0));
        var patched = await PatchAsync(leadId, """{ "prospect": { "phone": "555-0100" } }""");
        Assert.That(patched.GetProperty("changed").GetBoolean(), Is.False);
        Assert.That(patched.GetProperty("version").GetInt32(), Is.EqualTo(0));
    }

    [Test]
    public async Task A_repeated_update_applies_once_and_an_older_one_never_overwrites_a_newer_one()
    {
        var (leadId, contact) = await DeliveredAsync("upd-all", "upd-repeat-1");
        await PatchAsync(leadId, """{ "prospect": { "phone": "555-0111" } }""");
        await _platform.WaitForUpdateAsync(leadId, 1);
        await PatchAsync(leadId, """{ "prospect": { "phone": "555-0122" } }""");
        await _platform.WaitForUpdateAsync(leadId, 2);
        var afterTwo = await _platform.ContactAsync(contact.Id);
        Assert.That(SandboxClient.Text(afterTwo, "phone"), Is.EqualTo("555-0122"));

        // Both updates arrive again (as a redelivery would bring them), then a later update of another lead: the
        // connector takes one message at a time, so once that one is applied the repeated ones were handled.
        await _platform.RepublishUpdateAsync(leadId, 1);
        await _platform.RepublishUpdateAsync(leadId, 2);
        var (otherId, _) = await DeliveredAsync("upd-all", "upd-repeat-2");
        await PatchAsync(otherId, """{ "prospect": { "phone": "555-0133" } }""");
        await _platform.WaitForUpdateAsync(otherId, 1);

        var final = await _platform.ContactAsync(contact.Id);
        Assert.That(final.Version, Is.EqualTo(afterTwo.Version), "no further write to the contact");
        Assert.That(SandboxClient.Text(final, "phone"), Is.EqualTo("555-0122"));
    }

    [Test]
    public async Task A_refused_patch_names_the_field_and_changes_nothing()
    {
        var (leadId, _) = await DeliveredAsync("upd-all", "upd-refused-1");

        foreach (var (patch, field) in new[]
                 {
                     ("""{ "prospect": { "email": "not-an-email" } }""", "prospect.email"),
                     ("""{ "prospect": { "lastName": null } }""", "prospect.lastName"),
                     ("""{ "source": "another-source" }""", "source"),
                     ("""{ "accountId": "upd-none" }""", "accountId"),
                 })
        {
            using var response = await _platform.PatchLeadAsync(leadId, patch);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), patch);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        }
        using (var notJson = await _platform.PatchLeadAsync(leadId, "[1, 2]"))
        {
            Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        using (var unknown = await _platform.PatchLeadAsync(Guid.NewGuid().ToString(), PhoneAndBudget))
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        var stored = await _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");
        Assert.That(stored.GetProperty("lead").GetProperty("prospect").GetProperty("email").GetString(), Is.EqualTo("upd-refused-1@example.com"));
        Assert.That((await _platform.LedgerAsync(leadId))!.UpdateVersion, Is.EqualTo(0));
    }
}
