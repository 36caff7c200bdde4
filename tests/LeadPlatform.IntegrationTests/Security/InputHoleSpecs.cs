using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Ingestion;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Issue 16, holes 6, 7 and 8 against real ingestion, RabbitMQ and PostgreSQL: each attack is refused (or answered as
/// the repeat it is) and nothing changed: no lead, no outbox row, no second LeadConverted.
/// </summary>
[TestFixture, Category("Security")]
public class InputHoleSpecs
{
    private const string RoobrikKey = "roobrik-key-0123456789";
    private IngestionHost _host = null!;
    private HttpClient _roobrik = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("inputholes");
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "acme-senior");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        _roobrik = _host.ClientWithKey(RoobrikKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _roobrik.Dispose();
        await _host.DisposeAsync();
    }

    private static Dictionary<string, object?> Lead(string sourceLeadId, string source = "roobrik", string lastName = "Clark") => new()
    {
        ["source"] = source,
        ["sourceLeadId"] = sourceLeadId,
        ["accountId"] = "acme-senior",
        ["conversion"] = "sales-opt-in",
        ["prospect"] = new { firstName = "Edith", lastName, email = "edith@example.com" },
    };

    private async Task<HttpResponseMessage> PostAsync(object lead, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(lead) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await _roobrik.SendAsync(request);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Waits for a marker lead's LeadConverted: everything committed before it was relayed by then.</summary>
    private async Task SettleAsync()
    {
        var marker = await BodyAsync(await PostAsync(Lead($"marker-{Guid.NewGuid():N}")), HttpStatusCode.Accepted);
        await _host.PublishedForAsync(marker.GetProperty("leadId").GetGuid());
    }

    private async Task<int> PublishedCountAsync(Guid leadId) =>
        (await _host.PublishedAsync()).Values.Count(m => m.GetProperty("leadId").GetGuid() == leadId);

    [TestCase("Roobrik")]
    [TestCase("ROOBRIK")]
    public async Task Hole_6_a_source_differing_only_in_case_is_the_same_lead_not_a_second_LeadConverted(string variant)
    {
        var id = $"case-{variant}";
        var first = await BodyAsync(await PostAsync(Lead(id)), HttpStatusCode.Accepted);
        var leadId = first.GetProperty("leadId").GetGuid();
        await _host.PublishedForAsync(leadId);
        var before = await _host.CountsAsync();

        var repeat = await BodyAsync(await PostAsync(Lead(id, source: variant)), HttpStatusCode.Accepted);
        await SettleAsync();

        Assert.That(repeat.GetProperty("leadId").GetGuid(), Is.EqualTo(leadId));
        Assert.That(repeat.GetProperty("duplicate").GetBoolean(), Is.True);
        Assert.That(await _host.CountsAsync(), Is.EqualTo((before.Leads + 1, before.Outbox + 1)), "only the marker was added");
        Assert.That(await PublishedCountAsync(leadId), Is.EqualTo(1));
    }

    [Test]
    public async Task Hole_6_an_idempotency_key_reused_under_a_case_variant_source_with_another_body_is_refused()
    {
        await BodyAsync(await PostAsync(Lead("idem-1"), idempotencyKey: "case-key-1"), HttpStatusCode.Accepted);
        var before = await _host.CountsAsync();

        var reused = await PostAsync(Lead("idem-2", source: "RooBrik"), idempotencyKey: "case-key-1");

        var problem = await BodyAsync(reused, HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), Is.True, problem.ToString());
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Hole_7_a_NUL_character_answers_400_naming_the_field_and_fails_no_one_else_in_the_same_commit()
    {
        var before = await _host.CountsAsync();
        var good = Enumerable.Range(0, 20).Select(i => PostAsync(Lead($"nul-neighbour-{i}"))).ToList();
        var bad = PostAsync(Lead("nul-1", lastName: "Cl\0ark"));
        var badInIdentifier = PostAsync(Lead("nul-\u0001-2"));

        var problem = await BodyAsync(await bad, HttpStatusCode.BadRequest);
        var identifierProblem = await BodyAsync(await badInIdentifier, HttpStatusCode.BadRequest);
        foreach (var response in await Task.WhenAll(good))
        {
            await BodyAsync(response, HttpStatusCode.Accepted);
        }

        Assert.That(problem.GetProperty("errors").TryGetProperty("prospect.lastName", out _), Is.True, problem.ToString());
        Assert.That(identifierProblem.GetProperty("errors").TryGetProperty("sourceLeadId", out _), Is.True, identifierProblem.ToString());
        Assert.That(await _host.CountsAsync(), Is.EqualTo((before.Leads + 20, before.Outbox + 20)));
    }

    [TestCase("<?adf version=\"1.0\"?><?xml version=\"1.0\"<adf><prospect><id>x</id></prospect></adf>")]
    [TestCase("<?adf version=\"1.0\"?>\n<?xml version=\"1.0\" encoding=\"UTF-8\"")]
    public async Task Hole_8_a_broken_declaration_after_the_adf_instruction_answers_400_naming_the_body(string body)
    {
        var before = await _host.CountsAsync();
        using var vendor = _host.ClientWithKey(RoobrikKey);

        using var response = await vendor.PostAsync("v1/leads/adf", new StringContent(body, Encoding.UTF8, "application/xml"));

        var problem = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("body", out _), Is.True, problem.ToString());
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }
}
