using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations.DealerProviders;

namespace LeadPlatform.IntegrationTests.Dealer;

/// <summary>The provider catalog through the admin API, and an integration's directions checked against its provider.</summary>
[TestFixture]
public class DealerProviderAdminSpecs
{
    private DealerPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await DealerPlatform.StartAsync("dealer-providers");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [TestCase("webcontrol", "inbound-push")]
    [TestCase("dealermine", "inbound-push")]
    [TestCase("dx1", "inbound-poll")]
    public async Task A_direction_the_provider_lacks_is_a_400_naming_directions_and_saves_nothing(string provider, string direction)
    {
        var id = $"refused-{provider}-{Guid.NewGuid():N}"[..30];
        using var response = await _platform.PutIntegrationAsync(id, provider, direction);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").GetProperty("directions")[0].GetString(), Does.Contain(direction));
        using var stored = await _platform.Ingestion.Client.GetAsync($"v1/integrations/{id}");
        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task An_inbound_ADF_integration_must_name_a_provider_that_exists()
    {
        using var unknown = await _platform.PutIntegrationAsync($"unknown-{Guid.NewGuid():N}"[..20], "no-such-crm", "inbound-push");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("settings.dealerProvider", out _), Is.True);
    }

    [Test]
    public async Task The_catalog_lists_the_shipped_providers_to_admins_only()
    {
        var providers = await _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>("v1/dealer-providers");
        Assert.That(providers.EnumerateArray().Select(p => p.GetProperty("id").GetString()),
            Is.SupersetOf(new[] { "generic", "dx1", "webcontrol", "dealermine" }));

        using var anonymous = new HttpClient { BaseAddress = _platform.Ingestion.BaseAddress };
        using var refused = await anonymous.GetAsync("v1/dealer-providers/dx1");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_bad_edit_is_a_400_naming_the_field_and_a_good_one_changes_the_mapping()
    {
        var dx1 = DealerProviderCatalog.Shipped["dx1"];
        using var bad = await _platform.Ingestion.Client.PutAsJsonAsync("v1/dealer-providers/marina",
            dx1 with { Id = "marina", Statuses = new Dictionary<string, string> { ["Sea Trial"] = "Sailing" } });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("statuses.Sea Trial", out _), Is.True);
        using var missing = await _platform.Ingestion.Client.GetAsync("v1/dealer-providers/marina");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        using var good = await _platform.Ingestion.Client.PutAsJsonAsync("v1/dealer-providers/marina",
            dx1 with { Id = "marina", Name = "A marina's CRM", Statuses = new Dictionary<string, string> { ["Sea Trial"] = "Working" } });
        Assert.That(good.StatusCode, Is.EqualTo(HttpStatusCode.OK), await good.Content.ReadAsStringAsync());

        var id = $"marina-{Guid.NewGuid():N}"[..24];
        await _platform.SaveIntegrationAsync(id, "marina", "inbound-push");
        var (leadId, _) = await _platform.DeliveredLeadAsync(id, "marina");
        using var pushed = await _platform.Dispositions.PushAsync($"{id}/dealer",
            $$"""{ "leadId": "{{leadId}}", "status": "Sea Trial", "occurredAt": "{{DateTimeOffset.UtcNow:O}}" }""", DealerPlatform.Secret);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await pushed.Content.ReadAsStringAsync());
        var timeline = await _platform.Dispositions.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"));
    }
}
