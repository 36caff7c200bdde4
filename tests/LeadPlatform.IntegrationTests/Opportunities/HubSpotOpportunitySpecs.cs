using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.IntegrationTests.Opportunities;

/// <summary>
/// Opportunities back to the supplier with the HubSpot stand-in: a lead goes out as a contact, a CRM user opens a deal
/// associated with it, HubSpot sends a deal webhook (Disposition reads the deal back) or Disposition polls deals through
/// the CRM search API, and the supplier sees it on its lead.
/// </summary>
[TestFixture]
public class HubSpotOpportunitySpecs
{
    private const string ClientSecret = "opportunity-hubspot-client-secret-0123456789";
    private OpportunityPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await OpportunityPlatform.StartAsync("opportunities-hubspot");
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "opp-hs-poll", AccountId = "opp-hs-poll", Crm = "hubspot", Endpoint = _platform.Crm.Sandbox.BaseAddress.ToString(),
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token" },
            Settings = JsonSerializer.SerializeToElement(new { shareOpportunities = true, pollIntervalSeconds = 1 }),
        });
        await _platform.PutIntegrationAsync(new Integration
        {
            Id = "opp-hs-push", AccountId = "opp-hs-push", Crm = "hubspot", Endpoint = _platform.Crm.Sandbox.BaseAddress.ToString(),
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush],
            Credentials = new Dictionary<string, string> { ["accessToken"] = "sandbox-hubspot-token", ["clientSecret"] = ClientSecret },
            Settings = JsonSerializer.SerializeToElement(new { shareOpportunities = true }),
        });
    }

    private Task<(string LeadId, JsonElement RecordIds)> DeliveredLeadAsync(string accountId) => _platform.DeliveredLeadAsync(new
    {
        source = "chatbot", sourceLeadId = Guid.NewGuid().ToString("N"), accountId, conversion = "sales-opt-in",
        prospect = new { firstName = "Hank", lastName = "Deal", email = $"{Guid.NewGuid():N}@opportunity.example" },
    });

    private async Task<string> DealAsync(string contactId, string stage)
    {
        var deal = await HubSpotAsync(HttpMethod.Post, "crm/v3/objects/deals", new
        {
            properties = new { dealname = "Hank's boat", dealstage = stage, amount = "18500.00", closedate = "2027-04-30T00:00:00.000Z" },
            associations = new[] { new { to = new { id = contactId }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 3 } } } },
        });
        return deal.GetProperty("id").GetString()!;
    }

    private async Task WebhookAsync(string integrationId, string dealId, string stage)
    {
        var url = new Uri(_platform.Disposition.BaseAddress, $"v1/dispositions/{integrationId}/hubspot").ToString();
        using var response = await _platform.Sandbox.PostAsJsonAsync("sandbox/hubspot/webhooks", new
        {
            url, clientSecret = ClientSecret,
            events = new[] { new { subscriptionType = "deal.propertyChange", objectId = long.Parse(dealId, System.Globalization.CultureInfo.InvariantCulture), propertyName = "dealstage", propertyValue = stage } },
        });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), answer.ToString());
    }

    [Test]
    public async Task A_deal_webhook_reads_the_deal_back_and_shows_it_on_the_lead_once()
    {
        var (leadId, recordIds) = await DeliveredLeadAsync("opp-hs-push");
        var dealId = await DealAsync(recordIds.GetProperty("contact").GetString()!, "qualifiedtobuy");

        await WebhookAsync("opp-hs-push", dealId, "qualifiedtobuy");
        var shown = (await _platform.OpportunityShownAsync(leadId, dealId, "qualifiedtobuy")).Single();
        Assert.That(shown.GetProperty("crm").GetString(), Is.EqualTo("hubspot"));
        Assert.That(shown.GetProperty("closeDate").GetString(), Is.EqualTo("2027-04-30"));

        // HubSpot delivers at least once: the same deal state again changes nothing.
        await WebhookAsync("opp-hs-push", dealId, "qualifiedtobuy");
        Assert.That((await _platform.OpportunitiesAsync(leadId)).Single().ToString(), Is.EqualTo(shown.ToString()));
        Assert.That(await _platform.TimelineOpportunitiesAsync(leadId), Is.EqualTo(1));

        await HubSpotAsync(HttpMethod.Patch, $"crm/v3/objects/deals/{dealId}", new { properties = new { dealstage = "closedwon" } });
        await WebhookAsync("opp-hs-push", dealId, "closedwon");
        await _platform.OpportunityShownAsync(leadId, dealId, "closedwon");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    private async Task<JsonElement> HubSpotAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sandbox-hubspot-token");
        using var response = await _platform.Sandbox.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task A_polled_deal_on_the_delivered_contact_shows_on_the_lead_once_and_its_update_replaces_it()
    {
        var (leadId, recordIds) = await DeliveredLeadAsync("opp-hs-poll");
        var dealId = await DealAsync(recordIds.GetProperty("contact").GetString()!, "appointmentscheduled");

        var shown = (await _platform.OpportunityShownAsync(leadId, dealId, "appointmentscheduled")).Single();
        Assert.That(shown.GetProperty("crm").GetString(), Is.EqualTo("hubspot"));
        Assert.That(shown.GetProperty("amount").GetDecimal(), Is.EqualTo(18500m));
        Assert.That(shown.GetProperty("closeDate").GetString(), Is.EqualTo("2027-04-30"));
        Assert.That(shown.GetProperty("matchedBy").GetString(), Is.EqualTo("record"));

        await Task.Delay(TimeSpan.FromSeconds(3)); // several more polls re-read the deal at the cursor's boundary
        Assert.That((await _platform.OpportunitiesAsync(leadId)).Single().ToString(), Is.EqualTo(shown.ToString()));
        Assert.That(await _platform.TimelineOpportunitiesAsync(leadId), Is.EqualTo(1));

        await HubSpotAsync(HttpMethod.Patch, $"crm/v3/objects/deals/{dealId}", new { properties = new { dealstage = "closedwon" } });
        await _platform.OpportunityShownAsync(leadId, dealId, "closedwon");
    }
}
