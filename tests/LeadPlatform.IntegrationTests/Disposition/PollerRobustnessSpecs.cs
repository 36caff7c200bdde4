using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// Nothing an integration holds stops the disposition host: a poll setting that does not parse, or a feed address
/// that makes the poll throw something unexpected, is logged, recorded on the integration and skipped, while the
/// push API answers and the other integrations are still polled, also after a restart.
/// </summary>
[TestFixture, Category("Security")]
public class PollerRobustnessSpecs
{
    private const string Secret = "whsec-robust-push";
    private DispositionPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await DispositionPlatform.StartAsync("pollerrobust");
        await _platform.PutIntegrationAsync(Polled("robust-bad-setting", new { pollIntervalSeconds = "every now and then" }));
        await _platform.PutIntegrationAsync(Polled("robust-bad-url", new { pollIntervalSeconds = 1, changesUrl = "::not a url::" }));
        await _platform.PutIntegrationAsync(Polled("robust-enquire", new
        {
            pollIntervalSeconds = 1,
            changesUrl = new Uri(_platform.Sandbox.BaseAddress, "sandbox/enquire/changes").ToString(),
        }));
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "robust-push", AccountId = "acme", Crm = "salesforce",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = Secret },
        });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private static Integration Polled(string id, object settings) => new()
    {
        Id = id, AccountId = "acme", Crm = "enquire",
        Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
        Settings = JsonSerializer.SerializeToElement(settings),
    };

    [Test]
    public async Task Broken_poll_integrations_are_skipped_while_the_push_API_answers_and_the_others_are_polled_also_after_a_restart()
    {
        await AssertBrokenOnesRecordedAsync();
        await AssertServiceWorksAsync("ENQ-robust-1", "robust-1", "push-robust-1");

        await _platform.RestartDispositionAsync();

        await AssertServiceWorksAsync("ENQ-robust-2", "robust-2", "push-robust-2");
    }

    private async Task AssertBrokenOnesRecordedAsync()
    {
        await using var dataSource = _platform.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var (id, error) in new[] { ("robust-bad-setting", "pollIntervalSeconds"), ("robust-bad-url", "") })
        {
            var recorded = await Eventually.UntilAsync(
                () => connection.QuerySingleOrDefaultAsync<string?>("select last_error from disposition.poll_cursor where integration_id = @id", new { id }),
                e => e is not null, TimeSpan.FromSeconds(15), $"the failure of {id} to be recorded");
            Assert.That(recorded, Does.Contain(error));
        }
    }

    /// <summary>The host is up: ready, a push is applied, and the healthy integration's feed still reaches its lead.</summary>
    private async Task AssertServiceWorksAsync(string recordId, string eventId, string pushEventId)
    {
        Assert.That((await _platform.Disposition.Client.GetAsync("health/ready")).IsSuccessStatusCode, Is.True, "disposition is ready");

        var polledLead = await _platform.DeliveredLeadAsync("robust-enquire", "enquire", recordId);
        (await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/dispositions",
            new { crm = "enquire", recordId, status = "Tour Scheduled", eventId })).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => _platform.TimelineAsync(polledLead),
            t => t.GetProperty("status").GetString() == "Working", TimeSpan.FromSeconds(15), "the healthy integration's polled status");

        var pushedLead = await _platform.DeliveredLeadAsync("robust-push", "salesforce", $"00Q-{pushEventId}");
        var body = JsonSerializer.Serialize(new { eventId = pushEventId, leadId = pushedLead, status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow },
            PlatformJson.Options);
        using var pushed = await _platform.PushAsync("robust-push", body, Secret);
        Assert.That(pushed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await pushed.Content.ReadAsStringAsync());
    }
}
