using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>POST /v1/leads against the real broker and database: routing, repeats, API keys, accounts.</summary>
[TestFixture]
public class LeadIntakeSpecs
{
    private const string RoobrikKey = "roobrik-key-0123456789";
    private const string QualifiedKey = "qualified-key-0123456789";
    private IngestionHost _host = null!;
    private HttpClient _roobrik = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("intake");
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "acme-senior", "acme-auto", "configured-nowhere");
        await _host.PutSourceKeyAsync("qualified", QualifiedKey, "other-account");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire", endpoint = "http://127.0.0.1:9/enquire" });
        await _host.PutIntegrationAsync("dealer-d1", new { accountId = "acme-auto", crm = "adf", level = "dealer", dealerId = "d1" });
        await _host.PutIntegrationAsync("dealer-d2", new { accountId = "acme-auto", crm = "adf", level = "dealer", dealerId = "d2" });
        await _host.PutIntegrationAsync("oem-toyota", new { accountId = "acme-auto", crm = "salesforce", level = "oem", oemId = "toyota" });
        await _host.PutIntegrationAsync("oem-toyota-certified", new
        {
            accountId = "acme-auto", crm = "hubspot", level = "oem", oemId = "toyota", filter = new { programs = new[] { "certified" } },
        });
        await _host.PutIntegrationAsync("other", new { accountId = "other-account", crm = "enquire" });
        _roobrik = _host.ClientWithKey(RoobrikKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _roobrik.Dispose();
        await _host.DisposeAsync();
    }

    private static Dictionary<string, object?> Lead(string sourceLeadId, string accountId = "acme-senior") => new()
    {
        ["source"] = "roobrik",
        ["sourceLeadId"] = sourceLeadId,
        ["accountId"] = accountId,
        ["conversion"] = "sales-opt-in",
        ["occurredAt"] = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
        ["prospect"] = new { firstName = "Edith", lastName = "Clark", email = "edith@example.com", phone = "555-0100" },
    };

    private static async Task<JsonElement> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Deliveries(JsonElement element) =>
        element.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("integrationId").GetString()!).Order().ToArray();

    /// <summary>Posts a marker lead and waits for its LeadConverted: everything committed before it was relayed by then.</summary>
    private async Task SettleAsync()
    {
        var marker = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", Lead($"marker-{Guid.NewGuid():N}")));
        await _host.PublishedForAsync(marker.GetProperty("leadId").GetGuid());
    }

    [Test]
    public async Task A_lead_is_published_once_as_LeadConverted_with_its_planned_deliveries()
    {
        var accepted = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", Lead("once-1")));
        var leadId = accepted.GetProperty("leadId").GetGuid();
        Assert.That(Deliveries(accepted), Is.EqualTo(new[] { "acme-enquire" }));

        var published = await _host.PublishedForAsync(leadId);
        await SettleAsync();
        published = (await _host.PublishedAsync()).Values.Where(m => m.GetProperty("leadId").GetGuid() == leadId).ToList();
        Assert.That(published, Has.Count.EqualTo(1));
        Assert.That(Deliveries(published[0]), Is.EqualTo(new[] { "acme-enquire" }));
        Assert.That(published[0].GetProperty("lead").GetProperty("prospect").GetProperty("lastName").GetString(), Is.EqualTo("Clark"));
    }

    [TestCase("d1", null, null, new[] { "dealer-d1" })]
    [TestCase("d2", null, null, new[] { "dealer-d2" })]
    [TestCase(null, "toyota", null, new[] { "oem-toyota" })]
    [TestCase("d1", "toyota", "certified", new[] { "dealer-d1", "oem-toyota", "oem-toyota-certified" })]
    [TestCase("d9", "honda", null, new string[0])]
    public async Task Dealer_level_takes_its_dealers_leads_and_OEM_level_all_or_a_filtered_part_of_the_OEMs(
        string? dealerId, string? oemId, string? program, string[] expected)
    {
        var lead = Lead($"route-{dealerId}-{oemId}-{program}", "acme-auto");
        lead["dealerId"] = dealerId;
        lead["oemId"] = oemId;
        lead["programs"] = program is null ? null : new[] { program };

        var accepted = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", lead));

        Assert.That(Deliveries(accepted), Is.EqualTo(expected));
        var published = await _host.PublishedForAsync(accepted.GetProperty("leadId").GetGuid());
        Assert.That(Deliveries(published.Single()), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_repeat_of_source_and_source_lead_id_returns_the_original_lead_and_publishes_nothing_new()
    {
        var first = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", Lead("repeat-1")));
        var before = await _host.CountsAsync();
        // The same body: a repeat with changed fields is an update (LeadUpdated), see Updates/LeadUpdateSpecs.
        var repeatBody = Lead("repeat-1");

        var repeat = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", repeatBody));

        Assert.That(repeat.GetProperty("leadId").GetGuid(), Is.EqualTo(first.GetProperty("leadId").GetGuid()));
        Assert.That(repeat.GetProperty("duplicate").GetBoolean(), Is.True);
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
        await SettleAsync();
        Assert.That((await _host.PublishedAsync()).Values.Count(m => m.GetProperty("leadId").GetGuid() == first.GetProperty("leadId").GetGuid()), Is.EqualTo(1));
    }

    [Test]
    public async Task Leads_submitted_together_are_each_stored_once_and_their_repeats_answered_with_the_original()
    {
        // Concurrent requests share one insert (group commit): distinct leads and repeats of each other in the same batch.
        var before = await _host.CountsAsync();
        var posts = Enumerable.Range(0, 40).Select(i => _roobrik.PostAsJsonAsync("v1/leads", Lead($"together-{i % 10}"))).ToList();
        var answers = new List<JsonElement>();
        foreach (var post in posts)
        {
            answers.Add(await AcceptedAsync(await post));
        }

        var byLead = answers.GroupBy(a => a.GetProperty("leadId").GetGuid()).ToList();
        Assert.That(byLead, Has.Count.EqualTo(10), "one lead per source lead id");
        Assert.That(byLead.Select(g => g.Count(a => !a.GetProperty("duplicate").GetBoolean())), Is.All.EqualTo(1), "one original per lead");
        Assert.That(answers.Select(Deliveries), Is.All.EqualTo(new[] { "acme-enquire" }));
        Assert.That(await _host.CountsAsync(), Is.EqualTo((before.Leads + 10, before.Outbox + 10)));
        await SettleAsync();
        var published = (await _host.PublishedAsync()).Values.Select(m => m.GetProperty("leadId").GetGuid()).ToList();
        Assert.That(byLead.Select(g => published.Count(id => id == g.Key)), Is.All.EqualTo(1), "each lead published once");
    }

    [Test]
    public async Task The_same_idempotency_key_returns_the_original_lead_and_with_another_body_is_a_409()
    {
        async Task<HttpResponseMessage> Post(string sourceLeadId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(Lead(sourceLeadId)) };
            request.Headers.Add("Idempotency-Key", "key-idem-1");
            return await _roobrik.SendAsync(request);
        }
        var first = await AcceptedAsync(await Post("idem-1"));
        var before = await _host.CountsAsync();

        var again = await AcceptedAsync(await Post("idem-1"));
        using var conflict = await Post("idem-other-body");

        Assert.That(again.GetProperty("leadId").GetGuid(), Is.EqualTo(first.GetProperty("leadId").GetGuid()));
        Assert.That(conflict.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(conflict.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_idempotency_key_belongs_to_its_source()
    {
        await _host.PutIntegrationAsync("other-2", new { accountId = "other-account", crm = "enquire" });
        using var qualified = _host.ClientWithKey(QualifiedKey);
        async Task<JsonElement> Post(HttpClient client, string source, string accountId, string sourceLeadId)
        {
            var lead = Lead(sourceLeadId, accountId);
            lead["source"] = source;
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(lead) };
            request.Headers.Add("Idempotency-Key", "shared-key-1");
            return await AcceptedAsync(await client.SendAsync(request));
        }

        var roobrikLead = await Post(_roobrik, "roobrik", "acme-senior", "shared-key-roobrik");
        var qualifiedLead = await Post(qualified, "qualified", "other-account", "shared-key-qualified");

        Assert.That(qualifiedLead.GetProperty("duplicate").GetBoolean(), Is.False);
        Assert.That(qualifiedLead.GetProperty("leadId").GetGuid(), Is.Not.EqualTo(roobrikLead.GetProperty("leadId").GetGuid()));
    }

    [Test]
    public async Task A_conversion_other_than_sales_opt_in_is_stored_and_not_pushed()
    {
        var lead = Lead("info-only-1");
        lead["conversion"] = "newsletter";
        var accepted = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", lead));
        Assert.That(Deliveries(accepted), Is.Empty);
        await SettleAsync();
        Assert.That((await _host.PublishedAsync()).Values.Any(m => m.GetProperty("leadId").GetGuid() == accepted.GetProperty("leadId").GetGuid()), Is.False);
        using var stored = await _roobrik.GetAsync($"v1/leads/{accepted.GetProperty("leadId").GetGuid()}");
        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(null, "acme-senior", "roobrik", HttpStatusCode.Unauthorized, "X-Api-Key")]
    [TestCase("not-a-key-of-anyone-at-all", "acme-senior", "roobrik", HttpStatusCode.Unauthorized, "X-Api-Key")]
    [TestCase(QualifiedKey, "acme-senior", "qualified", HttpStatusCode.Forbidden, "accountId")]
    [TestCase(QualifiedKey, "other-account", "roobrik", HttpStatusCode.Forbidden, "source")]
    [TestCase(RoobrikKey, "configured-nowhere", "roobrik", HttpStatusCode.BadRequest, "accountId")]
    public async Task Each_source_has_its_own_key_and_only_its_accounts(string? key, string accountId, string source, HttpStatusCode expected, string field)
    {
        using var client = _host.ClientWithKey(key);
        var lead = Lead($"auth-{Guid.NewGuid():N}", accountId);
        lead["source"] = source;
        var before = await _host.CountsAsync();

        using var response = await client.PostAsJsonAsync("v1/leads", lead);

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(field));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_lead_is_visible_to_its_accounts_sources_only()
    {
        var accepted = await AcceptedAsync(await _roobrik.PostAsJsonAsync("v1/leads", Lead("visible-1")));
        var path = $"v1/leads/{accepted.GetProperty("leadId").GetGuid()}";
        using var anonymous = _host.ClientWithKey(null);
        using var foreign = _host.ClientWithKey(QualifiedKey);

        Assert.That((await _roobrik.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await foreign.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_OpenAPI_document_shows_the_lead_shape()
    {
        var document = await _roobrik.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.That(paths.TryGetProperty("/v1/leads", out var submit), Is.True, string.Join(", ", paths.EnumerateObject().Select(p => p.Name)));
        var post = submit.GetProperty("post");
        // The body is the published lead schema, a component the operation refers to ($ref), as are its parts.
        JsonElement Resolve(JsonElement schema) => schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
        var body = Resolve(post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var lead = body.GetProperty("properties");
        Assert.That(Resolve(lead.GetProperty("prospect")).GetProperty("properties").TryGetProperty("email", out _), Is.True, lead.ToString());
        Assert.That(lead.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[]
        {
            "source", "sourceLeadId", "accountId", "conversion", "occurredAt", "prospect", "contact", "survey", "interaction",
            "ownerId", "marketSource", "dealerId", "oemId", "programs", "vehicle", "comments", "customFields",
        }));
        Assert.That(document.GetProperty("paths").TryGetProperty("/v1/leads/adf", out _), Is.True);
    }

    private const string Valid = """{"source":"roobrik","sourceLeadId":"bad-x","accountId":"acme-senior","conversion":"sales-opt-in","prospect":{"lastName":"Clark"}""";

    private static IEnumerable<TestCaseData> BadInputs()
    {
        TestCaseData Case(string name, string body, HttpStatusCode status, string field, string contentType = "application/json") =>
            new TestCaseData(body, contentType, status, field).SetName($"Bad input is refused and changes nothing: {name}");
        yield return Case("malformed JSON", """{"source": "roobrik", """, HttpStatusCode.BadRequest, "body");
        yield return Case("empty body", "", HttpStatusCode.BadRequest, "body");
        yield return Case("JSON null", "null", HttpStatusCode.BadRequest, "body");
        yield return Case("a JSON array", "[]", HttpStatusCode.BadRequest, "body");
        yield return Case("wrong content type", Valid + "}", HttpStatusCode.UnsupportedMediaType, "Content-Type", "text/plain");
        yield return Case("XML to the JSON endpoint", "<lead/>", HttpStatusCode.UnsupportedMediaType, "Content-Type", "application/xml");
        yield return Case("over the size limit", Valid + ",\"comments\":\"" + new string('x', 300 * 1024) + "\"}", HttpStatusCode.RequestEntityTooLarge, "body");
        yield return Case("missing source", Valid.Replace("\"source\":\"roobrik\",", "", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "source");
        yield return Case("missing sourceLeadId", Valid.Replace("\"sourceLeadId\":\"bad-x\",", "", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "sourceLeadId");
        yield return Case("missing accountId", Valid.Replace("\"accountId\":\"acme-senior\",", "", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "accountId");
        yield return Case("missing conversion", Valid.Replace("\"conversion\":\"sales-opt-in\",", "", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "conversion");
        yield return Case("missing prospect last name", Valid.Replace("\"lastName\":\"Clark\"", "\"firstName\":\"E\"", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect.lastName");
        yield return Case("prospect null", Valid.Replace("{\"lastName\":\"Clark\"}", "null", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect");
        yield return Case("a number for a name", Valid.Replace("\"Clark\"", "7", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect.lastName");
        yield return Case("bad prospect email", Valid.Replace("\"lastName\":\"Clark\"", "\"lastName\":\"Clark\",\"email\":\"not-an-email\"", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect.email");
        yield return Case("email without domain dot", Valid.Replace("\"lastName\":\"Clark\"", "\"lastName\":\"Clark\",\"email\":\"a@localhost\"", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect.email");
        yield return Case("bad contact email", Valid + ",\"contact\":{\"lastName\":\"C\",\"email\":\"x@\"}}", HttpStatusCode.BadRequest, "contact.email");
        yield return Case("contact without last name", Valid + ",\"contact\":{\"firstName\":\"Anne\"}}", HttpStatusCode.BadRequest, "contact.lastName");
        yield return Case("phone without digits", Valid.Replace("\"lastName\":\"Clark\"", "\"lastName\":\"Clark\",\"phone\":\"call me\"", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "prospect.phone");
        yield return Case("unknown interaction kind", Valid + ",\"interaction\":{\"kind\":\"fax\"}}", HttpStatusCode.BadRequest, "interaction.kind");
        yield return Case("relative report URL", Valid + ",\"survey\":{\"reportUrl\":\"reports/1\"}}", HttpStatusCode.BadRequest, "survey.reportUrl");
        yield return Case("occurredAt not a date", Valid + ",\"occurredAt\":\"yesterday\"}", HttpStatusCode.BadRequest, "occurredAt");
        yield return Case("source lead id too long", Valid.Replace("bad-x", new string('x', 600), StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "sourceLeadId");
        yield return Case("unknown account", Valid.Replace("acme-senior", "configured-nowhere", StringComparison.Ordinal) + "}", HttpStatusCode.BadRequest, "accountId");
    }

    [TestCaseSource(nameof(BadInputs))]
    public async Task Bad_input_is_refused_naming_what_is_wrong_and_changes_nothing(string body, string contentType, HttpStatusCode status, string field)
    {
        var before = await _host.CountsAsync();

        using var response = await _roobrik.PostAsync("v1/leads", new StringContent(body, Encoding.UTF8, contentType));

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(text).RootElement;
        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.That(named, Is.True, text);
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }
}
