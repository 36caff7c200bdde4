using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>POST /v1/leads/adf: 3rd-party vendor ADF routed to accounts by program qualification rules.</summary>
[TestFixture]
public class AdfIntakeSpecs
{
    private const string VendorKey = "carsdirect-key-0123456789";
    private IngestionHost _host = null!;
    private HttpClient _vendor = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("adfintake");
        await _host.PutSourceKeyAsync("carsdirect", VendorKey, "bay-toyota", "valley-honda");
        await _host.PutIntegrationAsync("bay-toyota-adf", new { accountId = "bay-toyota", crm = "adf", level = "dealer", dealerId = "bay-1" });
        await _host.PutIntegrationAsync("toyota-oem-sf", new
        {
            accountId = "bay-toyota", crm = "salesforce", level = "oem", oemId = "toyota", filter = new { programs = new[] { "toyota-leasing" } },
        });
        await _host.PutIntegrationAsync("valley-honda-adf", new { accountId = "valley-honda", crm = "adf", level = "dealer", dealerId = "vh-1" });
        await _host.PutProgramRuleAsync("toyota-bay-lease", new
        {
            accountId = "bay-toyota", priority = 10, vendors = new[] { "carsdirect" }, makes = new[] { "Toyota" },
            postalPrefixes = new[] { "941", "940" }, products = new[] { "lease" }, dealerId = "bay-1", oemId = "toyota", programs = new[] { "toyota-leasing" },
        });
        await _host.PutProgramRuleAsync("toyota-bay", new
        {
            accountId = "bay-toyota", priority = 20, vendors = new[] { "carsdirect" }, makes = new[] { "toyota" }, postalPrefixes = new[] { "94" }, dealerId = "bay-1",
        });
        await _host.PutProgramRuleAsync("honda-anywhere", new { accountId = "valley-honda", makes = new[] { "Honda" }, dealerId = "vh-1" });
        _vendor = _host.ClientWithKey(VendorKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _vendor.Dispose();
        await _host.DisposeAsync();
    }

    private static string Prospect(string id, string make, string postal, string interest, string name = "<name part=\"full\">Maria de la Cruz</name>") => $"""
        <prospect status="new">
          <id sequence="1" source="CarsDirect">{id}</id>
          <requestdate>2026-11-20T09:30:00-08:00</requestdate>
          <vehicle interest="{interest}" status="new"><year>2026</year><make>{make}</make><model>Model</model></vehicle>
          <customer>
            <contact>
              {name}
              <email>maria@example.com</email>
              <phone type="cellphone" time="evening">415-555-0199</phone>
              <address><street line="1">1 Market St</street><city>San Francisco</city><regioncode>CA</regioncode><postalcode>{postal}</postalcode></address>
            </contact>
            <comments><![CDATA[Looking for a <lease> deal & fast answer]]></comments>
          </customer>
          <vendor><vendorname>Bay Toyota</vendorname></vendor>
          <provider><name part="full">CarsDirect</name><service>Lead Gen</service></provider>
        </prospect>
        """;

    private static string Adf(params string[] prospects) => $"<?ADF VERSION=\"1.0\"?>\n<?xml version=\"1.0\"?>\n<adf>{string.Concat(prospects)}</adf>";

    private async Task<JsonElement> PostAsync(string xml, HttpStatusCode expected, string contentType = "application/xml")
    {
        using var response = await _vendor.PostAsync("v1/leads/adf", new StringContent(xml, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string[] Deliveries(JsonElement element) =>
        element.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("integrationId").GetString()!).Order().ToArray();

    [Test]
    public async Task Each_prospect_is_routed_by_program_rules_and_published_once()
    {
        var accepted = await PostAsync(Adf(
            Prospect("cd-lease-1", "Toyota", "94105", "lease"),
            Prospect("cd-buy-1", "TOYOTA", "94612", "buy"),
            Prospect("cd-honda-1", "Honda", "10001", "buy")), HttpStatusCode.Accepted, "text/plain");

        var leads = accepted.GetProperty("leads").EnumerateArray().ToList();
        Assert.That(leads, Has.Count.EqualTo(3));
        Assert.That(Deliveries(leads[0]), Is.EqualTo(new[] { "bay-toyota-adf", "toyota-oem-sf" }), "lease in 941xx: dealer and the OEM leasing program");
        Assert.That(Deliveries(leads[1]), Is.EqualTo(new[] { "bay-toyota-adf" }), "buy in 94xxx: the dealer only");
        Assert.That(Deliveries(leads[2]), Is.EqualTo(new[] { "valley-honda-adf" }));

        var lease = (await _host.PublishedForAsync(leads[0].GetProperty("leadId").GetGuid())).Single();
        var lead = lease.GetProperty("lead");
        Assert.That(lead.GetProperty("source").GetString(), Is.EqualTo("carsdirect"));
        Assert.That(lead.GetProperty("sourceLeadId").GetString(), Is.EqualTo("cd-lease-1"));
        Assert.That(lead.GetProperty("accountId").GetString(), Is.EqualTo("bay-toyota"));
        Assert.That(lead.GetProperty("prospect").GetProperty("firstName").GetString(), Is.EqualTo("Maria de la"));
        Assert.That(lead.GetProperty("prospect").GetProperty("lastName").GetString(), Is.EqualTo("Cruz"));
        Assert.That(lead.GetProperty("prospect").GetProperty("phone").GetString(), Is.EqualTo("415-555-0199"));
        Assert.That(lead.GetProperty("vehicle").GetProperty("make").GetString(), Is.EqualTo("Toyota"));
        Assert.That(lead.GetProperty("comments").GetString(), Is.EqualTo("Looking for a <lease> deal & fast answer"));
        Assert.That(lead.GetProperty("programs").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "toyota-leasing" }));
        foreach (var other in leads.Skip(1))
        {
            Assert.That(await _host.PublishedForAsync(other.GetProperty("leadId").GetGuid()), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task A_resent_document_returns_the_original_leads()
    {
        var xml = Adf(Prospect("cd-resend-1", "Honda", "10001", "buy"));
        var first = await PostAsync(xml, HttpStatusCode.Accepted);
        var before = await _host.CountsAsync();

        var again = await PostAsync(xml, HttpStatusCode.Accepted);

        Assert.That(again.GetProperty("leads")[0].GetProperty("leadId").GetGuid(), Is.EqualTo(first.GetProperty("leads")[0].GetProperty("leadId").GetGuid()));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    private static IEnumerable<TestCaseData> BadDocuments()
    {
        TestCaseData Case(string name, string xml, HttpStatusCode status, string field, string contentType = "application/xml") =>
            new TestCaseData(xml, contentType, status, field).SetName($"A bad ADF document is refused and changes nothing: {name}");
        yield return Case("malformed XML", "<adf><prospect>", HttpStatusCode.BadRequest, "body");
        yield return Case("not ADF", "<lead/>", HttpStatusCode.BadRequest, "adf");
        yield return Case("no prospect", "<adf/>", HttpStatusCode.BadRequest, "adf.prospect");
        yield return Case("a DTD with an external entity (XXE)",
            "<?xml version=\"1.0\"?><!DOCTYPE adf [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><adf><prospect><customer><contact><name part=\"last\">&xxe;</name></contact></customer></prospect></adf>",
            HttpStatusCode.BadRequest, "body");
        yield return Case("JSON content type", Adf(Prospect("cd-ct", "Honda", "1", "buy")), HttpStatusCode.UnsupportedMediaType, "Content-Type", "application/json");
        yield return Case("no program takes it", Adf(Prospect("cd-ford", "Ford", "94105", "buy")), HttpStatusCode.BadRequest, "prospect[0]");
        yield return Case("second prospect has no name", Adf(Prospect("cd-ok", "Honda", "1", "buy"), Prospect("cd-noname", "Honda", "1", "buy", name: "")),
            HttpStatusCode.BadRequest, "prospect[1].prospect.lastName");
        yield return Case("bad email", Adf(Prospect("cd-mail", "Honda", "1", "buy").Replace("maria@example.com", "maria-at-example", StringComparison.Ordinal)),
            HttpStatusCode.BadRequest, "prospect[0].prospect.email");
        yield return Case("over the size limit", Adf(Prospect("cd-big", "Honda", "1", "buy").Replace("Lead Gen", new string('x', 300 * 1024), StringComparison.Ordinal)),
            HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [TestCaseSource(nameof(BadDocuments))]
    public async Task A_bad_document_is_refused_naming_what_is_wrong_and_changes_nothing(string xml, string contentType, HttpStatusCode status, string field)
    {
        var before = await _host.CountsAsync();

        var problem = await PostAsync(xml, status, contentType);

        var named = problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetProperty("field").GetString() == field;
        Assert.That(named, Is.True, problem.ToString());
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_vendor_may_not_send_to_an_account_it_is_not_allowed()
    {
        await _host.PutSourceKeyAsync("autobytel", "autobytel-key-0123456789", "valley-honda");
        using var client = _host.ClientWithKey("autobytel-key-0123456789");
        var before = await _host.CountsAsync();

        using var response = await client.PostAsync("v1/leads/adf",
            new StringContent(Adf(Prospect("ab-1", "Toyota", "94105", "buy")), Encoding.UTF8, "application/xml"));

        // Rule toyota-bay takes only carsdirect's leads; no rule routes autobytel's Toyota lead.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        using var honda = await client.PostAsync("v1/leads/adf",
            new StringContent(Adf(Prospect("ab-2", "Honda", "1", "buy")), Encoding.UTF8, "application/xml"));
        Assert.That(honda.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await _host.PutProgramRuleAsync("honda-to-toyota-store", new { accountId = "bay-toyota", priority = 1, vendors = new[] { "autobytel" }, makes = new[] { "Honda" } });
        using var foreign = await client.PostAsync("v1/leads/adf",
            new StringContent(Adf(Prospect("ab-3", "Honda", "1", "buy")), Encoding.UTF8, "application/xml"));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await foreign.Content.ReadAsStringAsync());
        Assert.That(await foreign.Content.ReadAsStringAsync(), Does.Contain("prospect[0].accountId"));
        Assert.That((await _host.CountsAsync()).Leads, Is.EqualTo(before.Leads + 1));
    }
}
