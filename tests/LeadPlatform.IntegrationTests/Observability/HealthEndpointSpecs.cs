using System.Net;
using System.Text.Json;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>Health endpoints answer JSON naming each check with its status and duration.</summary>
[TestFixture]
public class HealthEndpointSpecs
{
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await ObservedPlatform.StartAsync("health-json");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [Test]
    public async Task Ready_lists_each_check_with_its_status_and_duration_on_every_service()
    {
        foreach (var service in new[] { _platform.Ingestion, _platform.Enquire, _platform.Sandbox })
        {
            using var response = await service.Client.GetAsync("health/ready");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(body.GetProperty("durationMs").GetDouble(), Is.GreaterThanOrEqualTo(0));
            foreach (var check in body.GetProperty("checks").EnumerateArray())
            {
                Assert.That(check.GetProperty("name").GetString(), Is.Not.Empty);
                Assert.That(check.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
                Assert.That(check.GetProperty("durationMs").GetDouble(), Is.GreaterThanOrEqualTo(0));
            }
        }
        using var ingestion = await _platform.Ingestion.Client.GetAsync("health/ready");
        var checks = JsonDocument.Parse(await ingestion.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.That(checks.GetArrayLength(), Is.GreaterThan(0), "ingestion's readiness has its database and broker checks");
    }

    [Test]
    public async Task Live_answers_json_without_running_dependency_checks()
    {
        using var response = await _platform.Ingestion.Client.GetAsync("health/live");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(body.GetProperty("checks").GetArrayLength(), Is.Zero);
    }
}
