using System.Globalization;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Updates;

/// <summary>An integration on a daily batch delivers nothing until its batch time, then every held lead once.</summary>
[TestFixture]
public class DailyBatchSpecs
{
    private UpdatesPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await UpdatesPlatform.StartAsync("batches");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private static object Lead(string sourceLeadId) => new
    {
        source = "chatbot",
        sourceLeadId,
        accountId = "batch-account",
        conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email = $"{sourceLeadId}@example.com", phone = "555-0100" },
    };

    [Test]
    public async Task A_daily_batch_integration_delivers_nothing_until_its_time_and_then_everything_once()
    {
        // The batch time is a few seconds ahead (in UTC, to the second) rather than a day.
        var batchAt = DateTimeOffset.UtcNow.AddSeconds(15);
        await _platform.PutHubSpotIntegrationAsync("batch-account", new
        {
            schedule = new { mode = "daily", at = batchAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC" },
        });
        var leadIds = new List<string>();
        foreach (var sourceLeadId in new[] { "batch-1", "batch-2", "batch-3" })
        {
            leadIds.Add((await _platform.PostLeadAsync(Lead(sourceLeadId))).GetProperty("leadId").GetString()!);
        }

        foreach (var leadId in leadIds)
        {
            var held = await Eventually.UntilAsync(() => _platform.LedgerAsync(leadId), row => row?.BatchedFor is not null,
                TimeSpan.FromSeconds(10), $"lead {leadId} to be held for the batch");
            Assert.That(held!.State, Is.EqualTo("retry_scheduled"));
            Assert.That(new DateTimeOffset(held.BatchedFor!.Value, TimeSpan.Zero), Is.EqualTo(batchAt).Within(TimeSpan.FromSeconds(1)));
        }
        var early = await _platform.SandboxApi.RecordsAsync("hubspot", "contact");
        Assert.That(early.Where(c => SandboxClient.Text(c, "email")?.StartsWith("batch-", StringComparison.Ordinal) == true), Is.Empty);

        foreach (var leadId in leadIds)
        {
            await _platform.DeliveredContactAsync(leadId, TimeSpan.FromSeconds(40));
            var row = await _platform.LedgerAsync(leadId);
            Assert.That(row!.FinishedAt, Is.GreaterThanOrEqualTo(row.BatchedFor!.Value), "delivered at or after the batch time");
        }
        var contacts = await _platform.SandboxApi.RecordsAsync("hubspot", "contact");
        foreach (var sourceLeadId in new[] { "batch-1", "batch-2", "batch-3" })
        {
            Assert.That(contacts.Count(c => SandboxClient.Text(c, "email") == $"{sourceLeadId}@example.com"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_lead_updated_while_held_for_the_batch_is_delivered_with_its_latest_payload()
    {
        var batchAt = DateTimeOffset.UtcNow.AddSeconds(12);
        await _platform.PutHubSpotIntegrationAsync("batch-held", new
        {
            schedule = new { mode = "daily", at = batchAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC" },
        });
        var posted = await _platform.PostLeadAsync(new
        {
            source = "chatbot",
            sourceLeadId = "held-1",
            accountId = "batch-held",
            conversion = "sales-opt-in",
            prospect = new { firstName = "Edith", lastName = "Clark", email = "held-1@example.com", phone = "555-0100" },
        });
        var leadId = posted.GetProperty("leadId").GetString()!;
        await Eventually.UntilAsync(() => _platform.LedgerAsync(leadId), row => row?.BatchedFor is not null,
            TimeSpan.FromSeconds(10), "the lead to be held for the batch");

        using (var patch = await _platform.PatchLeadAsync(leadId, """{ "prospect": { "phone": "555-0177" } }"""))
        {
            Assert.That(patch.IsSuccessStatusCode, Is.True, await patch.Content.ReadAsStringAsync());
        }
        await _platform.WaitForUpdateAsync(leadId, 1);
        Assert.That((await _platform.LedgerAsync(leadId))!.State, Is.EqualTo("retry_scheduled"), "still held");

        var contact = await _platform.DeliveredContactAsync(leadId, TimeSpan.FromSeconds(40));
        Assert.That(SandboxClient.Text(contact, "phone"), Is.EqualTo("555-0177"));
        Assert.That(contact.Version, Is.EqualTo(1), "created with the latest payload, not updated afterwards");
    }

    [Test]
    public async Task A_schedule_that_is_not_valid_is_refused_naming_the_field()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/integrations/bad-schedule")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                accountId = "bad-schedule",
                crm = "hubspot",
                endpoint = _platform.Sandbox.BaseAddress.ToString(),
                settings = new { schedule = new { mode = "daily", at = "25:00" } },
            }),
        };
        request.Headers.Add("X-Admin-Key", UpdatesPlatform.AdminKey);
        using var response = await _platform.Ingestion.Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("settings.schedule"));
    }
}
