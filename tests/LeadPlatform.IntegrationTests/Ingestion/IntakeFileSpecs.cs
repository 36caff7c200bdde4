using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>Integrations, source keys and program rules loaded from the <c>Integrations:File</c> JSON at start-up.</summary>
[TestFixture]
public class IntakeFileSpecs
{
    [Test]
    public async Task The_file_configures_integrations_source_keys_and_program_rules()
    {
        var path = Path.Combine(Path.GetTempPath(), $"intake-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {
              "integrations": [ { "id": "file-enquire", "accountId": "file-account", "crm": "enquire" } ],
              "sourceKeys": [ { "source": "filesource", "key": "file-source-key-0123456789", "accounts": ["file-account"] } ],
              "programRules": [ { "id": "file-rule", "accountId": "file-account", "makes": ["Kia"] } ]
            }
            """);
        try
        {
            await using var host = await IngestionHost.StartAsync("intakefile", settings: new Dictionary<string, string?> { ["Integrations:File"] = path });
            using var client = host.ClientWithKey("file-source-key-0123456789");

            using var response = await client.PostAsJsonAsync("v1/leads", new
            {
                source = "filesource", sourceLeadId = "f-1", accountId = "file-account", conversion = "sales-opt-in", prospect = new { lastName = "Kim" },
            });

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
            var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(accepted.GetProperty("deliveries")[0].GetProperty("integrationId").GetString(), Is.EqualTo("file-enquire"));
            using var adf = await client.PostAsync("v1/leads/adf", new StringContent(
                "<adf><prospect><id>k-1</id><vehicle><make>Kia</make></vehicle><customer><contact><name>Min Kim</name></contact></customer></prospect></adf>",
                System.Text.Encoding.UTF8, "text/xml"));
            Assert.That(adf.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await adf.Content.ReadAsStringAsync());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
