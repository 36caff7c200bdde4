using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.IntegrationTests.Disposition;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Dealer;

/// <summary>
/// What build/up.sh's demo shows, against the real services: a boat show lead submitted to Ingestion goes out as ADF
/// over HTTP (the ADF connector) to the sandbox's dx1-style dealer CRM, and the dealer statuses it pushes come back
/// onto the lead's timeline in the common vocabulary.
/// </summary>
[TestFixture]
public class BoatDealerEndToEndSpecs
{
    private DealerPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await DealerPlatform.StartAsync("dealer-boat-e2e", b => b.WithConnector(Crm.Adf, s => s
            .Set("Connector:RequestTimeout", "00:00:05").Unset("Connector:RetryPollInterval").Unset("Connector:Lease")));
    }

    [OneTimeTearDown]
    public async Task StopPlatform()
    {
        await _platform.DisposeAsync();
    }

    [Test]
    public async Task A_boat_lead_goes_out_as_ADF_and_its_dealer_statuses_come_back_onto_the_timeline()
    {
        var id = $"boat-dealer-{Guid.NewGuid():N}"[..28];
        await _platform.SaveIntegrationAsync(id, "dx1", "inbound-push");
        using var submitted = await _platform.Ingestion.Client.PostAsJsonAsync("v1/leads", new
        {
            source = "boat-show", sourceLeadId = $"boat-{Guid.NewGuid():N}", accountId = id, conversion = "sales-opt-in",
            occurredAt = DateTimeOffset.UtcNow,
            prospect = new { firstName = "Sam", lastName = "Skipper", email = $"sam.{Guid.NewGuid():N}@example.com" },
            vehicles = new[] { new { year = 2026, make = "Boston Whaler", model = "210 Montauk", interest = "buy", condition = "new" } },
        });
        Assert.That(submitted.IsSuccessStatusCode, Is.True, await submitted.Content.ReadAsStringAsync());
        var leadId = Guid.Parse((await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!);

        var recordId = await Eventually.UntilAsync(() => RecordIdAsync(leadId, id), r => r is not null, TimeSpan.FromSeconds(30), "the ADF delivery to the dealer CRM");
        var records = await _platform.Dispositions.Sandbox.Client.GetFromJsonAsync<JsonElement>("sandbox/records?crm=dealer-dx1");
        var received = records.EnumerateArray().Single(r => r.GetProperty("id").GetString() == recordId).GetProperty("fields");
        Assert.That(received.GetProperty("make").GetString(), Is.EqualTo("Boston Whaler"));
        Assert.That(received.GetProperty("prospectId").GetString(), Is.EqualTo(leadId.ToString()));
        await Eventually.UntilAsync(() => _platform.Dispositions.TimelineOrNullAsync(leadId),
            t => DispositionPlatform.Kinds(t).Contains("delivered"), TimeSpan.FromSeconds(15), "the delivery on the timeline");

        await _platform.WorkAsync("dx1", recordId!, "Working Sales", "Call", pushTo: id);
        await _platform.WorkAsync("dx1", recordId!, "Finalized", "Major Unit Quote", pushTo: id);

        var timeline = await Eventually.UntilAsync(() => _platform.Dispositions.TimelineAsync(leadId),
            t => t.GetProperty("status").GetString() == "Sold", TimeSpan.FromSeconds(15), "the dealer's Finalized as Sold");
        Assert.That(DispositionPlatform.Entries(timeline, "status").Select(e => (e.GetProperty("raw").GetString(), e.GetProperty("value").GetString())),
            Is.EqualTo(new[] { ("Working Sales", "Working"), ("Finalized", "Sold") }));
        Assert.That(DispositionPlatform.Entries(timeline, "activity").Select(e => e.GetProperty("value").GetString()),
            Is.EquivalentTo(new[] { "PhoneCall", "Quote" }));
    }

    private async Task<string?> RecordIdAsync(Guid leadId, string integrationId)
    {
        var view = await _platform.Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");
        return view.GetProperty("deliveries").EnumerateArray()
            .Where(d => d.GetProperty("integrationId").GetString() == integrationId && d.TryGetProperty("recordIds", out var r) && r.ValueKind == JsonValueKind.Object)
            .Select(d => d.GetProperty("recordIds").TryGetProperty("adf", out var adf) ? adf.GetString() : null)
            .FirstOrDefault();
    }
}
