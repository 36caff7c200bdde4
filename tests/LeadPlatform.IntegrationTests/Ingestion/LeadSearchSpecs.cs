using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>
/// <c>GET /v1/leads/search</c>, the console's lead search: filters, newest first, keyset pages that neither repeat
/// nor skip a lead, an admin key required, and bad input answered with the field it names.
/// </summary>
[TestFixture]
public class LeadSearchSpecs
{
    private const string Account = "search-senior";
    private InProcessPlatform _platform = null!;
    private HttpClient _admin = null!;
    private readonly List<Guid> _leads = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await InProcessPlatform.StartAsync("leadsearch");
        await _platform.PutEnquireIntegrationAsync("search-enquire", Account);
        _admin = new HttpClient { BaseAddress = _platform.Ingestion.BaseAddress };
        _admin.DefaultRequestHeaders.Add("X-Admin-Key", InProcessPlatform.AdminKey);
        for (var i = 0; i < 5; i++)
        {
            using var posted = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
            {
                source = "roobrik", sourceLeadId = $"search-{i}", accountId = Account, conversion = "newsletter",
                prospect = new { firstName = "Ada", lastName = "Search", email = $"ada.{i}@example.com" },
            });
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await posted.Content.ReadAsStringAsync());
            _leads.Add((await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid());
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _platform.DisposeAsync();
    }

    [Test]
    public async Task Keyset_pages_list_every_lead_once_newest_first()
    {
        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await _admin.GetFromJsonAsync<JsonElement>($"v1/leads/search?accountId={Account}&limit=2" + (after is null ? "" : $"&after={after}"));
            seen.AddRange(page.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("leadId").GetGuid()));
            after = page.GetProperty("next").GetString();
            pages++;
        }
        while (after is not null && pages < 10);
        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(Enumerable.Reverse(_leads).ToList()), "each lead once, newest first");
    }

    [Test]
    public async Task Filters_find_a_lead_by_email_in_any_case_by_source_lead_id_and_by_date()
    {
        var byEmail = await _admin.GetFromJsonAsync<JsonElement>("v1/leads/search?email=ADA.3@Example.com");
        Assert.That(byEmail.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("leadId").GetGuid()), Is.EqualTo(new[] { _leads[3] }));
        Assert.That(byEmail.GetProperty("leads")[0].GetProperty("sourceLeadId").GetString(), Is.EqualTo("search-3"));

        var bySourceLeadId = await _admin.GetFromJsonAsync<JsonElement>("v1/leads/search?source=roobrik&sourceLeadId=search-1");
        Assert.That(bySourceLeadId.GetProperty("leads").EnumerateArray().Select(l => l.GetProperty("leadId").GetGuid()), Is.EqualTo(new[] { _leads[1] }));

        var before = await _admin.GetFromJsonAsync<JsonElement>($"v1/leads/search?accountId={Account}&to=2000-01-01");
        Assert.That(before.GetProperty("leads").GetArrayLength(), Is.Zero);
        var today = await _admin.GetFromJsonAsync<JsonElement>($"v1/leads/search?accountId={Account}&from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}");
        Assert.That(today.GetProperty("leads").GetArrayLength(), Is.EqualTo(5));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=201", "limit")]
    [TestCase("after=not-a-cursor", "after")]
    [TestCase("from=yesterday-ish", "from")]
    public async Task Bad_input_answers_400_naming_the_field(string query, string field)
    {
        using var response = await _admin.GetAsync($"v1/leads/search?{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Searching_needs_an_admin_key_a_source_key_is_not_enough()
    {
        using var sourceKey = await _platform.Ingestion.Client.GetAsync("v1/leads/search?source=roobrik");
        Assert.That(sourceKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var identity = await _admin.GetFromJsonAsync<JsonElement>("v1/admin/me");
        Assert.That(identity.GetProperty("role").GetString(), Is.EqualTo("admin"), "GET /v1/admin/me names the key's role");
    }
}
