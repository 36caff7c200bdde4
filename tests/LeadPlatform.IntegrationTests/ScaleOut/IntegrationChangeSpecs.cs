using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Ingestion;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// Two ingestion instances on one database: an integration edited through one is acted on by the other at once
/// (the catalog's change notification drops every instance's snapshot), not after a cache expiry.
/// </summary>
[TestFixture]
public class IntegrationChangeSpecs
{
    private const string AdminKey = IsolatedEnvironment.AdminKey;
    private IsolatedEnvironment _environment = null!;
    private InProcessService _editor = null!;
    private InProcessService _reader = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _environment = await IsolatedEnvironment.CreateAsync("integrationchange");
        var config = _environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;
        _editor = await StartIngestionAsync("ingestion-edits", config);
        _reader = await StartIngestionAsync("ingestion-reads", config);
        // Both listeners are connected once a first change made through one is seen by the other.
        await PutAsync("warm-up");
        await Eventually.UntilAsync(async () => (await _reader.Client.GetAsync("v1/integrations/change-me")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(15), "the second instance to see the first integration");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _reader.DisposeAsync();
        await _editor.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Test]
    public async Task An_edit_through_one_instance_is_seen_by_another_within_well_under_a_second()
    {
        Assert.That(await ReadNoteAsync(), Is.Not.Null, "the reader has the integration in its snapshot");
        for (var round = 1; round <= 3; round++)
        {
            var note = $"edit-{round}-{Guid.NewGuid():N}";
            await PutAsync(note);
            var clock = Stopwatch.StartNew();
            await Eventually.UntilAsync(async () => await ReadNoteAsync() == note, TimeSpan.FromSeconds(5), "the reader to see the edit");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)), $"round {round}: seen after {clock.ElapsedMilliseconds} ms");
        }
    }

    [Test]
    public async Task A_change_made_in_plain_sql_is_heard_too()
    {
        Assert.That(await ReadNoteAsync(), Is.Not.Null);
        var note = $"sql-{Guid.NewGuid():N}";
        await using (var dataSource = _environment.CreateDataSource())
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync("""update integrations.integration set settings = jsonb_build_object('marketSource', @note::text) where id = 'change-me'""",
                new { note });
        }
        var clock = Stopwatch.StartNew();
        await Eventually.UntilAsync(async () => await ReadNoteAsync() == note, TimeSpan.FromSeconds(5), "the reader to see the update");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)), $"seen after {clock.ElapsedMilliseconds} ms");
    }

    private async Task<string?> ReadNoteAsync()
    {
        var integration = await _reader.Client.GetFromJsonAsync<JsonElement>("v1/integrations/change-me");
        return integration.GetProperty("settings").TryGetProperty("marketSource", out var note) ? note.GetString() : null;
    }

    private async Task PutAsync(string note)
    {
        using var response = await _editor.Client.PutAsJsonAsync("v1/integrations/change-me", new
        {
            accountId = "change-account",
            crm = "enquire",
            endpoint = "http://127.0.0.1:9/enquire/v1",
            credentials = new Dictionary<string, string> { ["subscriptionKey"] = "change-specs-key" },
            settings = new { marketSource = note },
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    private static async Task<InProcessService> StartIngestionAsync(string name, Dictionary<string, string?> config)
    {
        var service = await InProcessService.StartAsync(name, config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        service.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"{name} to be ready");
        return service;
    }
}
