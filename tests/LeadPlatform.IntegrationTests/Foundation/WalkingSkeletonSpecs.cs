using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Foundation;

/// <summary>One lead through the real broker and database: HTTP in, outbox, relay, connector, sandbox CRM.</summary>
[TestFixture]
public class WalkingSkeletonSpecs
{
    private InProcessPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await InProcessPlatform.StartAsync("skeleton");
        await _platform.PutEnquireIntegrationAsync("acme-enquire", "acme-senior", new { relationshipTypes = new[] { "Child", "Spouse", "Friend", "Other" } });
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private static object Lead(string sourceLeadId, object? contact = null) => new
    {
        source = "roobrik",
        sourceLeadId,
        accountId = "acme-senior",
        conversion = "sales-opt-in",
        occurredAt = DateTimeOffset.UtcNow,
        prospect = new { firstName = "Edith", lastName = "Clark", email = $"{sourceLeadId}@example.com", phone = "555-0100" },
        contact,
        survey = new { name = "Senior Living Fit", outcome = "Assisted Living", reportUrl = "https://reports.example/1" },
    };

    [Test]
    public async Task A_posted_sales_opt_in_becomes_an_Enquire_prospect()
    {
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", Lead("skeleton-1"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var leadId = accepted.GetProperty("leadId").GetString();
        Assert.That(accepted.GetProperty("deliveries")[0].GetProperty("integrationId").GetString(), Is.EqualTo("acme-enquire"));

        var prospects = await Eventually.UntilAsync(
            () => _platform.SandboxApi.RecordsAsync("enquire", "individual"),
            records => records.Any(r => SandboxClient.Text(r, "email") == "skeleton-1@example.com"),
            TimeSpan.FromSeconds(10), "the prospect in the sandbox");
        var prospect = prospects.Single(r => SandboxClient.Text(r, "email") == "skeleton-1@example.com");
        Assert.That(SandboxClient.Text(prospect, "individualType"), Is.EqualTo("Prospect"));
        Assert.That(SandboxClient.Text(prospect, "lastName"), Is.EqualTo("Clark"));
        Assert.That(SandboxClient.Text(prospect, "marketSource"), Is.EqualTo("Roobrik"));

        var lead = await Eventually.UntilAsync(
            () => _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}"),
            l => l.GetProperty("deliveries")[0].GetProperty("state").GetString() == "delivered",
            TimeSpan.FromSeconds(10), "the delivery to be reported back to ingestion");
        Assert.That(lead.GetProperty("deliveries")[0].GetProperty("recordIds").GetProperty("prospect").GetString(), Is.EqualTo(prospect.Id));
    }

    [Test]
    public async Task A_survey_on_behalf_becomes_a_contact_linked_to_a_prospect()
    {
        var contact = new { firstName = "Anne", lastName = "Clark", email = "anne.skeleton-2@example.com", relationship = "Daughter-in-law" };
        using var response = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", Lead("skeleton-2", contact));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        var records = await Eventually.UntilAsync(
            () => _platform.SandboxApi.RecordsAsync("enquire", "individual"),
            all => all.Any(r => SandboxClient.Text(r, "email") == "anne.skeleton-2@example.com"),
            TimeSpan.FromSeconds(10), "the contact in the sandbox");
        var saved = records.Single(r => SandboxClient.Text(r, "email") == "anne.skeleton-2@example.com");
        Assert.That(SandboxClient.Text(saved, "individualType"), Is.EqualTo("Contact"));
        Assert.That(SandboxClient.Text(saved, "relationship"), Is.EqualTo("Child"));
        var prospect = records.Single(r => r.Id == SandboxClient.Text(saved, "linkedProspectId"));
        Assert.That(SandboxClient.Text(prospect, "individualType"), Is.EqualTo("Prospect"));
    }

    [TestCase("{\"source\": \"roobrik\", ", "body")]
    [TestCase("{\"source\":\"roobrik\",\"sourceLeadId\":\"x\",\"accountId\":\"acme-senior\",\"conversion\":\"sales-opt-in\",\"prospect\":{\"firstName\":\"A\"}}", "prospect.lastName")]
    [TestCase("{\"source\":\"roobrik\",\"sourceLeadId\":\"x\",\"accountId\":\"acme-senior\",\"conversion\":\"sales-opt-in\",\"prospect\":{\"lastName\":7}}", "prospect.lastName")]
    public async Task Bad_input_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var before = await CountsAsync();

        using var response = await _platform.Ingestion.Client.PostAsync("v1/leads", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
        Assert.That(await CountsAsync(), Is.EqualTo(before));
    }

    private async Task<(long Leads, long Outbox)> CountsAsync()
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>(
            "select (select count(*) from ingestion.lead), (select count(*) from ingestion.outbox)");
    }
}
