using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>Integration settings checked when saved, against the schema each CRM publishes; configuration faults fail at once.</summary>
[TestFixture]
public class SettingsAtTheDoorSpecs
{
    private CrmApiPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await CrmApiPlatform.StartAsync("settings-door");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private async Task<HttpResponseMessage> PutAsync(string id, object integration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{id}") { Content = JsonContent.Create(integration) };
        request.Headers.Add("X-Admin-Key", CrmApiPlatform.AdminKey);
        return await _platform.Ingestion.Client.SendAsync(request);
    }

    [TestCase("enquire")]
    [TestCase("alis")]
    [TestCase("salesforce")]
    [TestCase("hubspot")]
    [TestCase("adf")]
    public async Task Each_CRM_publishes_its_settings_schema(string crm)
    {
        using var response = await _platform.Ingestion.Client.GetAsync($"v1/crms/{crm}/settings-schema");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var schema = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(schema.GetProperty("additionalProperties").GetBoolean(), Is.False);
        Assert.That(schema.GetProperty("properties").TryGetProperty("schedule", out _), Is.True);
    }

    [TestCase("enquire", """{ "relationshipTypes": "Child, Spouse" }""", "settings.relationshipTypes")]
    [TestCase("alis", """{ "communityId": "twelve" }""", "settings.communityId")]
    [TestCase("salesforce", """{ "usageProfile": { "recordAs": 3 } }""", "settings.usageProfile.recordAs")]
    [TestCase("hubspot", """{ "maxRequestsPerSecond": "fast" }""", "settings.maxRequestsPerSecond")]
    [TestCase("adf", """{ "email": { "port": "25" } }""", "settings.email.port")]
    [TestCase("enquire", """{ "relationshipFallbak": "Other" }""", "settings.relationshipFallbak")]
    [TestCase("hubspot", """{ "leadStatuss": "OPEN" }""", "settings.leadStatuss")]
    public async Task A_wrong_type_or_an_unknown_field_is_a_400_naming_it_and_changes_nothing(string crm, string settings, string field)
    {
        var id = $"door-{crm}-{Guid.NewGuid():N}"[..30];
        using var response = await PutAsync(id, new { accountId = id, crm, settings = JsonDocument.Parse(settings).RootElement });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/integrations/{id}");
        request.Headers.Add("X-Admin-Key", CrmApiPlatform.AdminKey);
        using var stored = await _platform.Ingestion.Client.SendAsync(request);
        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing was saved");
    }

    [Test]
    public async Task A_delivery_failing_for_its_integrations_configuration_fails_at_once_saying_so()
    {
        // Valid settings, but no endpoint to deliver to: not the CRM's fault, and no retry will fix it.
        using var saved = await PutAsync("door-no-endpoint", new { accountId = "door-no-endpoint", crm = "hubspot", settings = new { leadStatus = "OPEN" } });
        Assert.That(saved.IsSuccessStatusCode, Is.True, await saved.Content.ReadAsStringAsync());

        var leadId = await _platform.PostLeadAsync(new
        {
            source = "chatbot",
            sourceLeadId = $"door-{Guid.NewGuid():N}",
            accountId = "door-no-endpoint",
            conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Clark", email = "door@example.com" },
        });
        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(15));

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("failed"), delivery.ToString());
        Assert.That(delivery.ToString(), Does.Contain("configuration of integration door-no-endpoint").And.Contain("has no endpoint"));
    }
}
