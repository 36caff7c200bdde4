using System.Net;
using System.Net.Http.Json;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Integrations;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Issue 16, hole 9: the integrations file seeds what is missing and never overwrites what the admin API changed. A
/// disabled integration and a revoked source key stay so when an instance restarts or another one starts.
/// </summary>
[TestFixture, Category("Security")]
public class SecretsFileSeedSpecs
{
    private const string FileKey = "file-source-key-0123456789";

    private static string File(bool withLater) => $$"""
        {
          "integrations": [
            { "id": "seeded-enquire", "accountId": "seed-account", "crm": "enquire", "directions": ["outbound", "inbound-push"],
              "credentials": { "webhookSecret": "file-webhook-secret-0123456789abcdef" } }
            {{(withLater ? """, { "id": "added-later", "accountId": "seed-account", "crm": "alis" }""" : "")}}
          ],
          "sourceKeys": [ { "source": "filesource", "key": "{{FileKey}}", "accounts": ["seed-account"] } ]
        }
        """;

    [Test]
    public async Task Hole_9_a_disabled_integration_and_a_revoked_source_key_stay_so_after_a_restart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.json");
        await System.IO.File.WriteAllTextAsync(path, File(withLater: false));
        var settings = new Dictionary<string, string?> { ["Integrations:File"] = path };
        try
        {
            await using var host = await IngestionHost.StartAsync("fileseed", settings: settings);
            using var admin = new HttpClient { BaseAddress = host.Ingestion.BaseAddress };
            admin.DefaultRequestHeaders.Add("X-Admin-Key", IngestionHost.AdminKey);
            (await admin.PutAsJsonAsync("v1/integrations/seeded-enquire", new
            {
                accountId = "seed-account", crm = "enquire", directions = new[] { "outbound", "inbound-push" }, enabled = false,
                credentials = new { webhookSecret = "***" },
            })).EnsureSuccessStatusCode();
            Assert.That((await admin.DeleteAsync("v1/source-keys/filesource")).IsSuccessStatusCode, Is.True);

            await System.IO.File.WriteAllTextAsync(path, File(withLater: true));
            // A new instance starts as a restart does: it loads the file.
            var restarted = await host.AddInstanceAsync(settings: settings);

            var integrations = await restarted.Services.GetRequiredService<IntegrationStore>().AllAsync();
            Assert.That(integrations["seeded-enquire"].Enabled, Is.False, "the disabled integration came back enabled");
            Assert.That(integrations["seeded-enquire"].Credential("webhookSecret"), Is.EqualTo("file-webhook-secret-0123456789abcdef"));
            Assert.That(integrations.ContainsKey("added-later"), Is.True, "an item new in the file is seeded");
            using var revoked = new HttpClient { BaseAddress = restarted.BaseAddress };
            revoked.DefaultRequestHeaders.Add("X-Api-Key", FileKey);
            using var response = await revoked.PostAsJsonAsync("v1/leads", new
            {
                source = "filesource", sourceLeadId = "f-1", accountId = "seed-account", conversion = "sales-opt-in", prospect = new { lastName = "Kim" },
            });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the revoked source key came back");
            Assert.That((await host.CountsAsync()).Leads, Is.Zero);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
