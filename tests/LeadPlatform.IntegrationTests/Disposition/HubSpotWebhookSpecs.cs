using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// HubSpot webhooks the way a HubSpot app sends them (the sandbox signs them with X-HubSpot-Signature-v3), into the
/// real Disposition service, broker and database.
/// </summary>
[TestFixture]
public class HubSpotWebhookSpecs
{
    private const string ClientSecret = "hs-app-client-secret";
    private DispositionPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await DispositionPlatform.StartAsync("hubspot-webhooks");
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-hs-app", AccountId = "acme", Crm = "hubspot",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["clientSecret"] = ClientSecret },
        });
    }

    [Test]
    public async Task A_push_for_a_CRM_whose_API_sends_no_dispositions_is_refused()
    {
        // Loaded as from an integrations file, past the validation ingestion does when one is saved.
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "acme-alis-push", AccountId = "acme", Crm = "alis",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["webhookSecret"] = "whsec-alis" },
        });
        var leadId = await _platform.DeliveredLeadAsync("acme-alis-push", "alis", "ALIS-P-1");
        var before = await _platform.StateAsync();

        using var response = await _platform.PushAsync("acme-alis-push",
            JsonSerializer.Serialize(new { eventId = "alis-1", leadId, status = "Resident", occurredAt = DateTimeOffset.UtcNow }), "whsec-alis");

        Assert.That((int)response.StatusCode, Is.EqualTo(403), await response.Content.ReadAsStringAsync());
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private string Url(string integrationId) => new Uri(_platform.Disposition.BaseAddress, $"v1/dispositions/{integrationId}/hubspot").ToString();

    private async Task<JsonElement> SendAsync(string integrationId, object[] events, string secret = ClientSecret, long? signedAt = null)
    {
        using var response = await _platform.Sandbox.Client.PostAsJsonAsync("sandbox/hubspot/webhooks",
            new { url = Url(integrationId), clientSecret = secret, events, signedAt });
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task A_batch_signed_the_HubSpot_way_is_applied_once_even_when_HubSpot_retries_it()
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-hs-app", "hubspot", "7701");
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        object[] events =
        [
            new { eventId = 880001, subscriptionType = "contact.propertyChange", objectId = 7701, propertyName = "hs_lead_status", propertyValue = "IN_PROGRESS", occurredAt = at - 3000 },
            new { eventId = 880002, subscriptionType = "contact.propertyChange", objectId = 7701, propertyName = "firstname", propertyValue = "Ann", occurredAt = at - 2500 },
            new { eventId = 880003, subscriptionType = "contact.associationChange", fromObjectId = 7701, toObjectId = 99001, associationType = "CONTACT_TO_CALL", associationRemoved = false, occurredAt = at - 2000 },
            new { eventId = 880004, subscriptionType = "contact.propertyChange", objectId = 7701, propertyName = "lifecyclestage", propertyValue = "customer", occurredAt = at - 1000 },
            // A contact the platform never delivered: HubSpot reports every contact of the portal.
            new { eventId = 880005, subscriptionType = "contact.propertyChange", objectId = 123456789, propertyName = "hs_lead_status", propertyValue = "NEW", occurredAt = at },
        ];

        var first = await SendAsync("acme-hs-app", events);
        var retried = await SendAsync("acme-hs-app", events);

        Assert.That(first.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), first.ToString());
        var answer = JsonDocument.Parse(first.GetProperty("response").GetString()!).RootElement;
        Assert.That((answer.GetProperty("applied").GetInt32(), answer.GetProperty("skipped").GetInt32()), Is.EqualTo((3, 1)), answer.ToString());
        Assert.That(retried.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), retried.ToString());
        var again = JsonDocument.Parse(retried.GetProperty("response").GetString()!).RootElement;
        Assert.That(again.GetProperty("applied").GetInt32(), Is.Zero, again.ToString());

        var timeline = await _platform.TimelineAsync(leadId);
        Assert.That(timeline.GetProperty("status").GetString(), Is.EqualTo("Sold"));
        var statuses = DispositionPlatform.Entries(timeline, "status").Select(s => s.GetProperty("raw").GetString());
        Assert.That(statuses, Is.EqualTo(new[] { "IN_PROGRESS", "customer" }));
        var activity = DispositionPlatform.Entries(timeline, "activity").Single();
        Assert.That(activity.GetProperty("value").GetString(), Is.EqualTo("PhoneCall"));
    }

    public enum Signing { WrongSecret, Stale, UnknownIntegration }

    [TestCase(Signing.WrongSecret)]
    [TestCase(Signing.Stale)]
    [TestCase(Signing.UnknownIntegration)]
    public async Task A_batch_signed_wrong_or_stale_or_for_an_unknown_integration_is_refused_alike_and_changes_nothing(Signing signing)
    {
        var leadId = await _platform.DeliveredLeadAsync("acme-hs-app", "hubspot", $"77{(int)signing}9");
        var before = await _platform.StateAsync();
        object[] events =
        [
            new { subscriptionType = "contact.propertyChange", objectId = $"77{(int)signing}9", propertyName = "hs_lead_status", propertyValue = "UNQUALIFIED" },
        ];

        var sent = signing switch
        {
            Signing.WrongSecret => await SendAsync("acme-hs-app", events, secret: "not-the-client-secret"),
            Signing.Stale => await SendAsync("acme-hs-app", events, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeMilliseconds()),
            _ => await SendAsync("no-such-integration", events),
        };

        Assert.That(sent.GetProperty("statusCode").GetInt32(), Is.EqualTo(401), sent.ToString());
        var problem = JsonDocument.Parse(sent.GetProperty("response").GetString()!).RootElement;
        Assert.That(problem.GetProperty("field").GetString(),
            Is.EqualTo(signing == Signing.Stale ? "X-HubSpot-Request-Timestamp" : "X-HubSpot-Signature-v3"));
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("The request is not signed with this integration's HubSpot client secret"));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        Assert.That(DispositionPlatform.Entries(await _platform.TimelineAsync(leadId), "status"), Is.Empty);
    }
}
