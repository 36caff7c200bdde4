using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.IntegrationTests.Ingestion;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// An erasure whose store owners do not answer (ingestion alone: no connector, disposition or notifications running)
/// answers 504 naming them, and ingestion keeps its own copy, so repeating the erasure later still finds the lead.
/// </summary>
[TestFixture]
[Category("Security")]
public class ErasureWithoutAnswerSpecs
{
    private const string ApiKey = "erasure-roobrik-api-key-001";
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("erasurenoanswer", settings: new Dictionary<string, string?> { ["Erasure:Timeout"] = "00:00:01" });
        await _host.PutIntegrationAsync("quiet-enquire", new { accountId = "quiet-senior", crm = "enquire" });
        await _host.PutSourceKeyAsync("roobrik", ApiKey, "*");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task Stores_that_do_not_answer_are_named_in_a_504_and_ingestion_keeps_its_copy_for_a_repeat()
    {
        using var client = _host.ClientWithKey(ApiKey);
        using var posted = await client.PostAsJsonAsync("v1/leads", new
        {
            source = "roobrik", sourceLeadId = "quiet-1", accountId = "quiet-senior", conversion = "sales-opt-in",
            prospect = new { firstName = "Quinn", lastName = "Quiet", email = "quinn.quiet@example.com" },
        });
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
        var leadId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/erasures") { Content = JsonContent.Create(new { email = "Quinn.Quiet@example.com" }) };
        request.Headers.Add("X-Admin-Key", IngestionHost.AdminKey);
        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout), problem.ToString());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("complete").GetBoolean(), Is.False);
        Assert.That(problem.GetProperty("unanswered").EnumerateArray().Select(s => s.GetString()),
            Is.EquivalentTo(new[] { "delivery", "disposition", "notifications" }));
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("select count(*) from ingestion.lead where id = @leadId", new { leadId }), Is.EqualTo(1),
            "kept, so a repeat finds the lead again");
        Assert.That(await connection.ExecuteScalarAsync<string>("select array_to_string(unanswered, ',') from ingestion.erasure_log"),
            Is.EqualTo("delivery,disposition,notifications"));
    }
}
