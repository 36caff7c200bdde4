using System.Net;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>The OpenAPI document declares the key headers and which operations need them; /docs works offline.</summary>
[TestFixture]
public class OpenApiDocumentSpecs
{
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await ObservedPlatform.StartAsync("openapi-docs");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [Test]
    public async Task Every_ingestion_v1_operation_declares_its_key_and_lead_submission_its_idempotency_key()
    {
        var document = JsonDocument.Parse(await _platform.Ingestion.Client.GetStringAsync("openapi/v1.json")).RootElement;
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.That(schemes.GetProperty("ApiKey").GetProperty("name").GetString(), Is.EqualTo("X-Api-Key"));
        Assert.That(schemes.GetProperty("AdminKey").GetProperty("name").GetString(), Is.EqualTo("X-Admin-Key"));

        var unsecured = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!operation.Value.TryGetProperty("security", out var security) || security.GetArrayLength() == 0)
                {
                    unsecured.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }
        Assert.That(unsecured, Is.Empty, "operations without a declared key");

        var submit = document.GetProperty("paths").GetProperty("/v1/leads").GetProperty("post");
        Assert.That(submit.GetProperty("parameters").EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"
            && p.GetProperty("in").GetString() == "header"), Is.True);
    }

    [Test]
    public async Task The_reference_ui_at_docs_loads_its_script_from_the_service_not_a_cdn()
    {
        using var response = await _platform.Ingestion.Client.GetAsync("docs");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var html = await response.Content.ReadAsStringAsync();
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();

        Assert.That(scripts, Is.Not.Empty, html);
        Assert.That(scripts.Where(s => s.StartsWith("http", StringComparison.OrdinalIgnoreCase) || s.StartsWith("//", StringComparison.Ordinal)), Is.Empty,
            "no script from another host");
        foreach (var script in scripts)
        {
            using var js = await _platform.Ingestion.Client.GetAsync(new Uri(new Uri(_platform.Ingestion.BaseAddress, "docs/"), script));
            Assert.That(js.StatusCode, Is.EqualTo(HttpStatusCode.OK), script);
        }
    }
}
