using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Disposition;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Dealer;

/// <summary>
/// Dealer CRMs both ways: a boat lead sent to a dealer CRM by ADF, its dealer statuses and activities coming back by
/// push or by polling, each through its provider's vocabulary; values no mapping covers kept raw and listed.
/// </summary>
[TestFixture]
public class DealerDispositionSpecs
{
    private DealerPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => _platform = await DealerPlatform.StartAsync("dealer-dispositions");

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private static string NewId(string provider) => $"dealer-{provider}-{Guid.NewGuid():N}"[..30];

    [TestCase("generic", "Appointment Set", "Working", "Test Drive", "Appointment", "Wrote Up")]
    [TestCase("dx1", "Working Sales", "Working", "Major Unit Quote", "Quote", "Pending Finance")]
    public async Task A_pushing_provider_s_values_reach_the_timeline_mapped_and_the_unmapped_are_listed(
        string provider, string rawStatus, string status, string rawActivity, string activity, string unmappedStatus)
    {
        var id = NewId(provider);
        await _platform.SaveIntegrationAsync(id, provider, "inbound-push");
        var (leadId, recordId) = await _platform.DeliveredLeadAsync(id, provider);

        var pushed = await _platform.WorkAsync(provider, recordId, rawStatus, rawActivity, pushTo: id);
        Assert.That(pushed.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), pushed.ToString());
        pushed = await _platform.WorkAsync(provider, recordId, unmappedStatus, null, pushTo: id);
        Assert.That(pushed.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), pushed.ToString());

        await AssertRoundTripAsync(leadId, provider, rawStatus, status, rawActivity, activity, unmappedStatus, "push");
    }

    [TestCase("generic", "Bought Elsewhere", "Lost", "Voicemail", "PhoneCall", "Wrote Up")]
    [TestCase("webcontrol", "Long Term", "Working", "Text Message", "Sms", "Not Applicable")]
    [TestCase("dealermine", "Unsold", "Lost", "Letter", "Note", "Duplicate")]
    public async Task A_polled_provider_s_values_reach_the_timeline_mapped_once_and_the_unmapped_are_listed(
        string provider, string rawStatus, string status, string rawActivity, string activity, string unmappedStatus)
    {
        var id = NewId(provider);
        await _platform.SaveIntegrationAsync(id, provider, "inbound-poll");
        var (leadId, recordId) = await _platform.DeliveredLeadAsync(id, provider);

        await _platform.WorkAsync(provider, recordId, rawStatus, rawActivity, pushTo: null);
        await _platform.WorkAsync(provider, recordId, unmappedStatus, null, pushTo: null);

        await AssertRoundTripAsync(leadId, provider, rawStatus, status, rawActivity, activity, unmappedStatus, "poll");
        // Later polls go on from the stored cursor: nothing is applied twice.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var timeline = await _platform.Dispositions.TimelineAsync(leadId);
        Assert.That(DispositionPlatform.Entries(timeline, "status"), Has.Count.EqualTo(2));
        Assert.That(DispositionPlatform.Entries(timeline, "activity"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_restarted_poller_resumes_from_its_cursor_and_applies_nothing_twice()
    {
        const string provider = "webcontrol";
        var id = NewId(provider);
        await _platform.SaveIntegrationAsync(id, provider, "inbound-poll");
        var (leadId, recordId) = await _platform.DeliveredLeadAsync(id, provider);
        await _platform.WorkAsync(provider, recordId, "First Response", null, pushTo: null);
        await Eventually.UntilAsync(() => _platform.Dispositions.TimelineAsync(leadId),
            t => DispositionPlatform.Entries(t, "status").Count == 1, TimeSpan.FromSeconds(20), "the first status, polled");

        await _platform.Dispositions.RestartDispositionAsync();
        await _platform.WorkAsync(provider, recordId, "Sold", null, pushTo: null);

        var timeline = await Eventually.UntilAsync(() => _platform.Dispositions.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == "Sold", TimeSpan.FromSeconds(20), "the second status, polled after the restart");
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => e.GetProperty("raw").GetString()),
            Is.EqualTo(new[] { "First Response", "Sold" }));
    }

    [Test]
    public async Task A_push_names_the_lead_by_adf_prospect_id_or_email_signed_and_scoped_to_the_integration()
    {
        var id = NewId("dx1");
        await _platform.SaveIntegrationAsync(id, "dx1", "inbound-push");
        var (leadId, _) = await _platform.DeliveredLeadAsync(id, "dx1");
        var at = DateTimeOffset.UtcNow.ToString("O");

        using var byProspect = await PushAsync(id, $$"""{ "adfProspectId": "{{leadId}}", "status": "Quote", "occurredAt": "{{at}}" }""", DealerPlatform.Secret);
        Assert.That(byProspect.StatusCode, Is.EqualTo(HttpStatusCode.OK), await byProspect.Content.ReadAsStringAsync());

        using var unsigned = await PushAsync(id, $$"""{ "adfProspectId": "{{leadId}}", "status": "Sold", "occurredAt": "{{at}}" }""", "another-secret-that-is-32-chars-long!!");
        Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var unknown = await PushAsync(id, $$"""{ "adfProspectId": "{{Guid.NewGuid()}}", "status": "Sold", "occurredAt": "{{at}}" }""", DealerPlatform.Secret);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));

        using var noTime = await PushAsync(id, $$"""{ "crmRecordId": "DLR-1", "activities": [{ "type": "Call" }], "occurredAt": "{{at}}" }""", DealerPlatform.Secret);
        Assert.That(noTime.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await noTime.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("activities[0].occurredAt", out _), Is.True);

        var timeline = await _platform.Dispositions.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Working"));
        Assert.That(DispositionPlatform.Entries(timeline, "status"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_provider_that_does_not_push_is_refused_at_the_push_route()
    {
        // Saved as outbound only (webcontrol can't push, so inbound-push would be refused at the door).
        var id = NewId("webcontrol");
        await _platform.SaveIntegrationAsync(id, "webcontrol");
        using var response = await PushAsync(id, $$"""{ "crmRecordId": "x", "status": "Sold", "occurredAt": "{{DateTimeOffset.UtcNow:O}}" }""", DealerPlatform.Secret);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private Task<HttpResponseMessage> PushAsync(string integrationId, string body, string secret) =>
        _platform.Dispositions.PushAsync($"{integrationId}/dealer", body, secret);

    private async Task AssertRoundTripAsync(
        Guid leadId, string provider, string rawStatus, string status, string rawActivity, string activity, string unmappedStatus, string source)
    {
        var timeline = await Eventually.UntilAsync(() => _platform.Dispositions.TimelineAsync(leadId),
            t => DispositionPlatform.Entries(t, "status").Count == 2 && DispositionPlatform.Entries(t, "activity").Count == 1,
            TimeSpan.FromSeconds(20), $"two statuses and an activity from {provider} by {source}");
        var statuses = DispositionPlatform.Entries(timeline, "status");
        var mapped = statuses.Single(e => e.GetProperty("raw").GetString() == rawStatus);
        Assert.That(mapped.GetProperty("value").GetString(), Is.EqualTo(status));
        Assert.That(mapped.GetProperty("source").GetString(), Is.EqualTo(source));
        Assert.That(mapped.GetProperty("provider").GetString(), Is.EqualTo($"adf:{provider}"));
        var unmapped = statuses.Single(e => e.GetProperty("raw").GetString() == unmappedStatus);
        Assert.That(unmapped.GetProperty("mapped").GetBoolean(), Is.False);
        var logged = DispositionPlatform.Entries(timeline, "activity").Single();
        Assert.That(logged.GetProperty("raw").GetString(), Is.EqualTo(rawActivity));
        Assert.That(logged.GetProperty("value").GetString(), Is.EqualTo(activity));
        // An unmapped status does not move the lead's status.
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo(status));
        Assert.That(await _platform.UnmappedAsync($"adf:{provider}", "statuses"), Does.Contain(unmappedStatus));
    }
}
