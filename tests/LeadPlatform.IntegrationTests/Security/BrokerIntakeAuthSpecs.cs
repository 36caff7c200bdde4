using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Hole 10: broker credentials alone must not submit leads. A <c>SubmitLead</c> needs its source's API key in header
/// <c>X-Api-Key</c>, checked like HTTP's; anything else is refused into the error queue and stores nothing.
/// </summary>
[TestFixture]
[Category("Security")]
public class BrokerIntakeAuthSpecs
{
    private const string Queue = "ingestion-submit-lead";
    private const string ErrorQueue = "ingestion-submit-lead_error";
    private const string RoobrikKey = "auth-roobrik-api-key-0001";
    private const string AcmeOnlyKey = "auth-acme-only-api-key-0001";
    private const string VendorKey = "auth-vendor-api-key-00001";
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("brokerauth");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        await _host.PutIntegrationAsync("other-enquire", new { accountId = "other-senior", crm = "enquire" });
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "*");
        await _host.PutSourceKeyAsync("caring", AcmeOnlyKey, "acme-senior");
        await _host.PutSourceKeyAsync("vendor", VendorKey, "*");
        await Eventually.UntilAsync(async () => await _host.Environment.QueueDepthAsync(Queue) is not null,
            TimeSpan.FromSeconds(15), $"queue {Queue}");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private static string RawSubmit(string marker, string source = "roobrik", string accountId = "acme-senior") => $$"""
        {"lead": {"source": "{{source}}", "sourceLeadId": "{{marker}}", "accountId": "{{accountId}}", "conversion": "sales-opt-in",
                  "comments": "{{marker}}", "prospect": {"firstName": "Edith", "lastName": "Clark", "email": "{{marker}}@example.com"} } }
        """;

    private static IEnumerable<TestCaseData> Refused()
    {
        yield return new TestCaseData(null, "roobrik", "acme-senior", "401 ", "X-Api-Key").SetName("A broker lead without an API key is refused");
        yield return new TestCaseData("not-a-known-key-at-all-000", "roobrik", "acme-senior", "401 ", "X-Api-Key").SetName("A broker lead with an unknown API key is refused");
        yield return new TestCaseData(VendorKey, "roobrik", "acme-senior", "403 ", "source").SetName("A broker lead with another source's API key is refused");
        yield return new TestCaseData(AcmeOnlyKey, "caring", "other-senior", "403 ", "accountId").SetName("A broker lead for an account its key may not submit to is refused");
    }

    [TestCaseSource(nameof(Refused))]
    public async Task A_refused_broker_lead_lands_in_the_error_queue_with_the_reason_and_stores_nothing(
        string? apiKey, string source, string accountId, string status, string field)
    {
        var before = await _host.CountsAsync();
        var marker = $"auth-{Guid.NewGuid():N}";
        await _host.Tap.PublishRawAsync(Queue, RawSubmit(marker, source, accountId), apiKey: apiKey);

        var reason = await FaultReasonAsync(marker);
        Assert.That(reason, Does.StartWith(status).And.Contain(field));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before), "nothing stored, nothing in the outbox");
    }

    [Test]
    public async Task A_MassTransit_envelope_without_a_key_is_refused_and_one_with_the_key_is_accepted()
    {
        var bus = _host.Ingestion.Services.GetRequiredService<IBus>();
        var marker = $"auth-{Guid.NewGuid():N}";
        var message = new SubmitLead
        {
            Lead = new Lead
            {
                Source = "roobrik", SourceLeadId = marker, AccountId = "acme-senior", Conversion = Lead.SalesOptIn,
                Comments = marker, Prospect = new Person { LastName = "Clark" },
            },
        };
        var before = await _host.CountsAsync();
        await bus.Publish(message);
        Assert.That(await FaultReasonAsync(marker), Does.StartWith("401 ").And.Contain("X-Api-Key"));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));

        await bus.Publish(message, c => c.Headers.Set("X-Api-Key", RoobrikKey));
        await Eventually.UntilAsync(_host.CountsAsync, c => c.Leads == before.Leads + 1, TimeSpan.FromSeconds(15), "the keyed lead to be stored");
    }

    [Test]
    public async Task Raw_JSON_with_the_sources_key_is_accepted()
    {
        var before = await _host.CountsAsync();
        await _host.Tap.PublishRawAsync(Queue, RawSubmit($"auth-{Guid.NewGuid():N}"), apiKey: RoobrikKey);
        await Eventually.UntilAsync(_host.CountsAsync, c => c.Leads == before.Leads + 1, TimeSpan.FromSeconds(15), "the keyed lead to be stored");
    }

    private async Task<string?> FaultReasonAsync(string marker)
    {
        var errored = await Eventually.UntilAsync(() => _host.Tap.PeekAsync(ErrorQueue),
            all => all.Any(m => m.Body.Contains(marker, StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the refused message in the error queue");
        var headers = errored.First(m => m.Body.Contains(marker, StringComparison.Ordinal)).Headers;
        return headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("MT-Fault-Message", out var f) ? f.GetString() : null;
    }
}
