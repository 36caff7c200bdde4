using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Disposition;
using LeadPlatform.Ingestion;
using LeadPlatform.Notifications;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// Every operation of every platform service's OpenAPI document says what it answers on success (a body schema, or
/// 204), which problems it answers (application/problem+json), which key opens it, and what body it takes.
/// The documents are generated from the services' own registrations (built, not started: no broker or database).
/// The CRM sandbox is left out: it imitates the CRMs' own APIs, whose contracts are the vendors'.
/// </summary>
[TestFixture]
public class OpenApiCompletenessSpecs
{
    private const string HowToFix = """

        How to fix an endpoint mapping (see docs/api.md, "Documenting an endpoint"):
          success body   .Produces<TRecord>(200)  (a named record, not an anonymous object; 204 needs no body)
          problems       .ProducesProblems(400, 404, ...)  or  .ProducesValidationProblem() for 400
          401/403        come with the route's key: add its prefix to OpenApiSecurity.Rules (shared/LeadPlatform.ServiceDefaults)
          request body   .DocumentsBody(typeof(TRecord), "application/json")  (or .Accepts<TRecord>("application/json"))
        """;

    public static IEnumerable<TestCaseData> Services()
    {
        yield return Service("ingestion", b => b.AddIngestion(), a => a.MapIngestion());
        yield return Service("disposition", b => b.AddDisposition(), a => a.MapDisposition());
        yield return Service("notifications", b => b.AddNotifications(), _ => { });
        yield return Service("connector-enquire", b => b.AddConnector<EnquireConnector>(EnquireConnector.Name), _ => { });
        yield return Service("connector-alis", b => b.AddConnector<AlisConnector>(AlisConnector.Name), _ => { });
        yield return Service("connector-adf", b => b.AddConnector<AdfConnector>(AdfConnector.Name), _ => { });
        yield return Service("connector-salesforce", b => b.AddSalesforceConnector(), _ => { });
        yield return Service("connector-hubspot", b => b.AddHubSpotConnector(), _ => { });
    }

    private static TestCaseData Service(string name, Action<WebApplicationBuilder> add, Action<WebApplication> map) =>
        new TestCaseData(name, add, map).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Services))]
    public async Task Every_operation_documents_its_success_body_problems_security_and_request_body(
        string name, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        var document = await DocumentAsync(name, add, map);
        var gaps = OpenApiCompleteness.Gaps(document);
        Assert.That(gaps, Is.Empty, $"{name}: operations with gaps in their OpenAPI description:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", gaps) + HowToFix);
    }

    [Test]
    public async Task Documented_operations_include_the_lead_and_admin_routes()
    {
        var document = await DocumentAsync("ingestion", b => b.AddIngestion(), a => a.MapIngestion());
        var paths = document.GetProperty("paths");
        Assert.That(paths.TryGetProperty("/v1/leads/{leadId}", out _), Is.True, "GET /v1/leads/{leadId} is documented");
        Assert.That(paths.TryGetProperty("/v1/integrations/{id}", out _), Is.True, "the integration admin routes are documented");
    }

    /// <summary>The service's OpenAPI document as JSON, as <c>/openapi/v1.json</c> would serve it.</summary>
    internal static async Task<JsonElement> DocumentAsync(string name, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = name,
            EnvironmentName = "Test",
            ContentRootPath = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "leadplatform-openapi")).FullName,
        });
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=openapi-not-used",
            ["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@127.0.0.1:5672/",
            ["Admin:Key"] = IsolatedEnvironment.AdminKey,
            ["DataProtection:Key"] = new string('k', 48),
        });
        builder.AddServiceDefaults();
        add(builder);
        // Started (routing reads the mapped endpoints when the web host starts), but without the service's workers.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        foreach (var worker in builder.Services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.Name != "GenericWebHostService").ToList())
        {
            builder.Services.Remove(worker);
        }
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        map(app);
        await app.StartAsync();
        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
        var document = await provider.GetOpenApiDocumentAsync();
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
        await app.StopAsync();
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
