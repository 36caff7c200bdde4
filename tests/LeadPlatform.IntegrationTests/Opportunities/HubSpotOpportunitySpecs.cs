using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.IntegrationTests.Opportunities;

/// <summary>
/// Opportunities back to the supplier with the HubSpot stand-in: a lead goes out as a contact, a CRM user opens a deal
/// associated with it, Disposition polls deals through the CRM search API, and the supplier sees it on its lead.
/// </summary>
[TestFixture]
public class HubSpotOpportunitySpecs
{
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
        var (leadId, recordIds) = await _platform.DeliveredLeadAsync(new
        {
            source = "chatbot", sourceLeadId = Guid.NewGuid().ToString("N"), accountId = "opp-hs-poll", conversion = "sales-opt-in",
            prospect = new { firstName = "Hank", lastName = "Deal", email = $"{Guid.NewGuid():N}@opportunity.example" },
        });
        var contactId = recordIds.GetProperty("contact").GetString()!;
        var deal = await HubSpotAsync(HttpMethod.Post, "crm/v3/objects/deals", new
        {
            properties = new { dealname = "Hank's boat", dealstage = "appointmentscheduled", amount = "18500.00", closedate = "2027-04-30T00:00:00.000Z" },
            associations = new[] { new { to = new { id = contactId }, types = new[] { new { associationCategory = "HUBSPOT_DEFINED", associationTypeId = 3 } } } },
        });
        var dealId = deal.GetProperty("id").GetString()!;

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
