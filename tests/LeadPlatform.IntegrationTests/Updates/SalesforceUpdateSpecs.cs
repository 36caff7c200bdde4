using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Updates;

/// <summary>A PATCH after delivery reaches the Salesforce Lead it made, under the integration's field-update policy.</summary>
[TestFixture]
public class SalesforceUpdateSpecs
{
    private UpdatesPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await UpdatesPlatform.StartAsync("sf-updates");
        foreach (var policy in new[] { "profile-and-supplier", "supplier", "none" })
        {
            await _platform.PutSalesforceIntegrationAsync($"sf-{policy}", new
            {
                apiVersion = "v60.0",
                teamUserId = "005TEAM",
                company = "Acme Motors",
                usageProfile = new { fieldUpdates = policy, fieldMapping = new Dictionary<string, string> { ["budget"] = "Budget__c" } },
            });
        }
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [TestCase("profile-and-supplier", "555-0199", "20000")]
    [TestCase("supplier", "555-0100", "20000")]
    [TestCase("none", "555-0100", "10000")]
    public async Task A_patch_after_delivery_changes_exactly_what_the_policy_allows(string policy, string phone, string budget)
    {
        var posted = await _platform.PostLeadAsync(new
        {
            source = "chatbot",
            sourceLeadId = $"sf-upd-{policy}",
            accountId = $"sf-{policy}",
            conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Clark", email = $"sf-upd-{policy}@example.com", phone = "555-0100" },
            customFields = new Dictionary<string, string> { ["budget"] = "10000" },
        });
        var leadId = posted.GetProperty("leadId").GetString()!;
        var lead = await _platform.DeliveredRecordAsync(leadId, "salesforce", "lead");

        using var response = await _platform.PatchLeadAsync(leadId, """{ "prospect": { "phone": "555-0199" }, "customFields": { "budget": "20000" } }""");
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());

        await _platform.WaitForUpdateAsync(leadId, 1);
        var updated = await _platform.RecordAsync("salesforce", "lead", lead.Id);
        Assert.That(SandboxClient.Text(updated, "Phone"), Is.EqualTo(phone));
        Assert.That(SandboxClient.Text(updated, "Budget__c"), Is.EqualTo(budget));
        Assert.That(SandboxClient.Text(updated, "LastName"), Is.EqualTo("Clark"));
    }
}
