using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Contracts;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// The overview's circuits when a connector instance is gone: two Enquire instances report open breakers (repeated
/// every second) over the real broker into ingestion's table; one instance stops, and its breaker drops out of the
/// overview once three intervals pass without it, while the live instance's breaker and that of an instance which
/// does not repeat (an SDK before the repeats) stay.
/// </summary>
[TestFixture]
public class CircuitReportSpecs
{
    private InProcessPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start() => _platform = await InProcessPlatform.StartAsync("circuits",
        new Dictionary<string, string?> { ["Connector:CircuitReportInterval"] = "00:00:01" });

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task A_gone_instances_open_breaker_leaves_the_overview_and_a_live_ones_stays()
    {
        var live = _platform.Enquire;
        var gone = await _platform.StartAnotherAsync(Crm.Enquire.Role);
        live.Services.GetRequiredService<CircuitReports>().Report("circuit-live", CircuitReports.Open);
        gone.Services.GetRequiredService<CircuitReports>().Report("circuit-gone", CircuitReports.Open);
        await live.Services.GetRequiredService<IBus>().Publish(new CrmCircuitChanged
        {
            Crm = Crm.Enquire.Name, IntegrationId = "circuit-old-sdk", Instance = "old-sdk-instance", State = CircuitReports.Open,
            ChangedAt = DateTimeOffset.UtcNow,
        });
        var before = await Eventually.UntilAsync(EnquireCircuitAsync, c => c.GetProperty("openBreakers").GetInt32() == 3,
            TimeSpan.FromSeconds(20), "three open Enquire breakers on the overview");

        var stoppedAt = DateTime.UtcNow;
        await _platform.StopAsync(gone);
        var circuit = await Eventually.UntilAsync(EnquireCircuitAsync, c => c.GetProperty("openBreakers").GetInt32() == 2,
            TimeSpan.FromSeconds(20), "the gone instance's breaker to leave the overview");

        Assert.That(DateTime.UtcNow - stoppedAt, Is.GreaterThan(TimeSpan.FromSeconds(2)), "left out only after intervals without it");
        Assert.That(circuit.GetProperty("state").GetString(), Is.EqualTo("open"), "the live instance's breaker, repeated, and the old SDK's keep it open");
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than three intervals: only its repeats keep the live breaker
        var later = await EnquireCircuitAsync();
        Assert.That(later.GetProperty("openBreakers").GetInt32(), Is.EqualTo(2), "the live instance's breaker, repeated, stays");
        Assert.That(later.GetProperty("since").GetString(), Is.EqualTo(before.GetProperty("since").GetString()), "a repeat is no new transition");
        live.Services.GetRequiredService<CircuitReports>().Report("circuit-live", CircuitReports.Closed);
        await Eventually.UntilAsync(EnquireCircuitAsync, c => c.GetProperty("openBreakers").GetInt32() == 1,
            TimeSpan.FromSeconds(20), "only the old SDK's breaker open once the live one closed");
    }

    private async Task<JsonElement> EnquireCircuitAsync()
    {
        using var admin = _platform.Ingestion.NewClient("X-Admin-Key", IsolatedEnvironment.AdminKey);
        var overview = await admin.GetFromJsonAsync<JsonElement>("v1/admin/overview?hours=1");
        return overview.GetProperty("circuits").EnumerateArray().Single(c => c.GetProperty("crm").GetString() == Crm.Enquire.Name);
    }
}
