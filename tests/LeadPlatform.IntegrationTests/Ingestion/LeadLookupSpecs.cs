using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>GET /v1/leads?source=&amp;sourceLeadId=: a source finds its own lead's id, and nobody else's.</summary>
[TestFixture]
public class LeadLookupSpecs
{
    private const string RoobrikKey = "roobrik-lookup-key-0123456789";
    private const string OtherKey = "other-lookup-key-0123456789";
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("lookup");
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "acme-senior");
        await _host.PutSourceKeyAsync("vendor", OtherKey, "acme-senior");
        await _host.PutIntegrationAsync("lookup-enquire", new { accountId = "acme-senior", crm = "enquire", endpoint = "http://127.0.0.1:9/enquire" });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task A_source_finds_its_leads_id_by_its_own_lead_id_and_other_callers_do_not()
    {
        using var roobrik = _host.ClientWithKey(RoobrikKey);
        using var vendor = _host.ClientWithKey(OtherKey);
        using var anonymous = _host.ClientWithKey(null);
        var sourceLeadId = $"rb-{Guid.NewGuid():N}";
        using var submitted = await roobrik.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId, accountId = "acme-senior", conversion = "sales-opt-in",
            occurredAt = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
            prospect = new { firstName = "Edith", lastName = "Clark", email = "edith@example.com", phone = "555-0100" },
        });
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await submitted.Content.ReadAsStringAsync());
        var leadId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
        var query = $"v1/leads?source=roobrik&sourceLeadId={sourceLeadId}";

        using var found = await roobrik.GetAsync(query);
        Assert.That(found.StatusCode, Is.EqualTo(HttpStatusCode.OK), await found.Content.ReadAsStringAsync());
        var body = await found.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("leadId").GetGuid(), Is.EqualTo(leadId));
        Assert.That(body.GetProperty("accountId").GetString(), Is.EqualTo("acme-senior"));

        Assert.That((await vendor.GetAsync(query)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another source on the same account");
        Assert.That((await anonymous.GetAsync(query)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await roobrik.GetAsync($"v1/leads?source=roobrik&sourceLeadId=missing-{Guid.NewGuid():N}")).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_lookup_without_its_parameters_is_refused_naming_them()
    {
        using var roobrik = _host.ClientWithKey(RoobrikKey);
        using var response = await roobrik.GetAsync("v1/leads?source=roobrik");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("sourceLeadId", out _), Is.True);
    }
}
