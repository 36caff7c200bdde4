using System.Text.Json;
using LeadPlatform.Disposition;
using LeadPlatform.Disposition.Adapters;

namespace LeadPlatform.UnitTests.Disposition;

/// <summary>Each provider's payload shape read into the one pipeline's events.</summary>
public class AdapterSpecs
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Test]
    public void The_generic_shape_names_the_lead_the_event_and_what_happened()
    {
        var body = Json("""
            {"eventId":"e1","recordId":"R-1","status":"Working Sales","occurredAt":"2026-11-20T10:00:00Z",
             "activities":[{"type":"Phone Call","details":"left voicemail"}]}
            """);
        var adapter = DispositionAdapters.For("adf", body);
        var e = adapter.Read(body).Events.Single();
        Assert.That(adapter, Is.InstanceOf<GenericAdapter>());
        Assert.That(e.EventId, Is.EqualTo("e1"));
        Assert.That(e.RecordId, Is.EqualTo("R-1"));
        Assert.That(e.Status, Is.EqualTo("Working Sales"));
        Assert.That(e.Activities.Single().Type, Is.EqualTo("Phone Call"));
        Assert.That(e.OccurredAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("""{"status":"Sold","occurredAt":"2026-11-20T10:00:00Z"}""", "leadId")]
    [TestCase("""{"recordId":"R","occurredAt":"2026-11-20T10:00:00Z"}""", "status")]
    [TestCase("""{"recordId":"R","status":"Sold"}""", "occurredAt")]
    [TestCase("""{"recordId":"R","activities":[{"details":"x"}],"occurredAt":"2026-11-20T10:00:00Z"}""", "activities[0].type")]
    [TestCase("""{"leadId":"not-a-guid","status":"Sold","occurredAt":"2026-11-20T10:00:00Z"}""", "leadId")]
    [TestCase("""[{"recordId":"R","status":"Sold","occurredAt":"2026-11-20T10:00:00Z"},{"recordId":"R"}]""", "[1].status")]
    public void A_generic_payload_missing_a_field_is_refused_naming_it(string body, string field)
    {
        var result = new GenericAdapter().Read(Json(body));
        Assert.That(result.Errors.Keys, Does.Contain(field));
        Assert.That(result.Events, Is.Empty);
    }

    [Test]
    public void A_HubSpot_batch_yields_its_lead_status_changes_only()
    {
        var body = Json("""
            [{"eventId":101,"subscriptionType":"contact.propertyChange","objectId":5501,"propertyName":"hs_lead_status","propertyValue":"IN_PROGRESS","occurredAt":1763985600000},
             {"eventId":102,"subscriptionType":"contact.propertyChange","objectId":5501,"propertyName":"firstname","propertyValue":"x","occurredAt":1763985600000}]
            """);
        var adapter = DispositionAdapters.For("hubspot", body);
        var e = adapter.Read(body).Events.Single();
        Assert.That(adapter, Is.InstanceOf<HubSpotWebhookAdapter>());
        Assert.That((e.EventId, e.RecordId, e.Status), Is.EqualTo(("101", "5501", "IN_PROGRESS")));
        Assert.That(e.OccurredAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1763985600000)));
    }

    [Test]
    public void A_Salesforce_change_event_yields_one_event_per_record()
    {
        var body = Json("""
            {"ChangeEventHeader":{"entityName":"Lead","changeType":"UPDATE","recordIds":["00Q1","00Q2"],"commitTimestamp":1763985600000,"transactionKey":"tx-9","sequenceNumber":1},
             "Status":"Working - Contacted"}
            """);
        var adapter = DispositionAdapters.For("salesforce", body);
        var events = adapter.Read(body).Events;
        Assert.That(adapter, Is.InstanceOf<SalesforceChangeEventAdapter>());
        Assert.That(events.Select(e => e.RecordId), Is.EqualTo(new[] { "00Q1", "00Q2" }));
        Assert.That(events.Select(e => e.EventId).Distinct().Count(), Is.EqualTo(2));
        Assert.That(events.All(e => e.Status == "Working - Contacted"), Is.True);
    }

    [Test]
    public void Without_a_provider_event_id_the_same_content_hashes_the_same()
    {
        var a = new DispositionEvent { RecordId = "R", Status = "Sold", OccurredAt = DateTimeOffset.UnixEpoch };
        Assert.That(DispositionApplier.ContentHash(a), Is.EqualTo(DispositionApplier.ContentHash(a with { })));
        Assert.That(DispositionApplier.ContentHash(a), Is.Not.EqualTo(DispositionApplier.ContentHash(a with { Status = "Lost" })));
    }

    [Test]
    public void An_opportunity_may_name_its_lead_by_contact_email()
    {
        var e = new GenericAdapter().Read(Json("""
            {"eventId":"o1","contactEmail":"a@example.com","occurredAt":"2026-11-20T10:00:00Z",
             "opportunity":{"stage":"Closed Won","amount":1250.5,"closeDate":"2026-12-01"}}
            """)).Events.Single();
        Assert.That(e.ContactEmail, Is.EqualTo("a@example.com"));
        Assert.That(e.Opportunity, Is.EqualTo(new OpportunityInput("Closed Won", 1250.5m, new DateOnly(2026, 12, 1))));
    }
}
