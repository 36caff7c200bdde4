using LeadPlatform.Disposition;

namespace LeadPlatform.UnitTests.Disposition;

/// <summary>The default mappings over the CRMs' real vocabularies, and how an integration overrides them.</summary>
public class MappingTableSpecs
{
    // Salesforce's default Lead Status picklist.
    [TestCase("Open - Not Contacted", "Pending")]
    [TestCase("Working - Contacted", "Working")]
    [TestCase("Closed - Converted", "Sold")]
    [TestCase("Closed - Not Converted", "Lost")]
    public void Salesforce_default_lead_statuses(string raw, string expected) =>
        Assert.That(new Normalizer("salesforce").Status(raw).Value, Is.EqualTo(expected));

    // HubSpot's hs_lead_status values.
    [TestCase("NEW", "Pending")]
    [TestCase("OPEN", "Assigned")]
    [TestCase("IN_PROGRESS", "Working")]
    [TestCase("OPEN_DEAL", "Working")]
    [TestCase("UNQUALIFIED", "Lost")]
    [TestCase("ATTEMPTED_TO_CONTACT", "Working")]
    [TestCase("CONNECTED", "Working")]
    [TestCase("BAD_TIMING", "Abandoned")]
    public void HubSpot_lead_statuses(string raw, string expected) =>
        Assert.That(new Normalizer("hubspot").Status(raw).Value, Is.EqualTo(expected));

    // Common dealer CRM statuses, under both provider names dealer systems go by.
    [TestCase("adf", "Working Sales", "Working")]
    [TestCase("adf", "Bought Elsewhere", "Lost")]
    [TestCase("adf", "Bad Number", "Abandoned")]
    [TestCase("adf", "Not Interested", "Lost")]
    [TestCase("adf", "Delivered", "Sold")]
    [TestCase("adf", "Sold", "Sold")]
    [TestCase("adf", "Appointment Set", "Working")]
    [TestCase("adf", "No Response", "Abandoned")]
    [TestCase("dealer", "Bought Elsewhere", "Lost")]
    [TestCase("dealer", "New", "Pending")]
    public void Dealer_statuses(string provider, string raw, string expected) =>
        Assert.That(new Normalizer(provider).Status(raw).Value, Is.EqualTo(expected));

    [TestCase("enquire", "Tour Scheduled", "Working")]
    [TestCase("enquire", "Moved In", "Sold")]
    [TestCase("enquire", "Inactive", "Abandoned")]
    [TestCase("alis", "Resident", "Sold")]
    [TestCase("alis", "Prospect", "Pending")]
    public void Senior_living_statuses(string provider, string raw, string expected) =>
        Assert.That(new Normalizer(provider).Status(raw).Value, Is.EqualTo(expected));

    [TestCase("salesforce", "Call", "PhoneCall")]
    [TestCase("salesforce", "Email", "Email")]
    [TestCase("salesforce", "Event", "Appointment")]
    [TestCase("salesforce", "Task", "Note")]
    [TestCase("hubspot", "CALL", "PhoneCall")]
    [TestCase("hubspot", "MEETING", "Appointment")]
    [TestCase("hubspot", "INCOMING_EMAIL", "Email")]
    [TestCase("hubspot", "NOTE", "Note")]
    [TestCase("hubspot", "SMS", "Sms")]
    [TestCase("adf", "Outbound Call", "PhoneCall")]
    [TestCase("adf", "Text Message", "Sms")]
    [TestCase("adf", "Test Drive", "Appointment")]
    [TestCase("adf", "Quote Sent", "Quote")]
    [TestCase("enquire", "Tour", "Appointment")]
    [TestCase("enquire", "Note", "Note")]
    public void Activity_types(string provider, string raw, string expected) =>
        Assert.That(new Normalizer(provider).Activity(raw).Value, Is.EqualTo(expected));

    [TestCase("closed - not converted")]
    [TestCase("CLOSED_NOT_CONVERTED")]
    [TestCase("Closed-Not-Converted")]
    [TestCase("  closed   not converted. ")]
    public void Case_and_punctuation_do_not_matter(string raw) =>
        Assert.That(new Normalizer("salesforce").Status(raw).Value, Is.EqualTo("Lost"));

    [Test]
    public void Closed_converted_and_closed_not_converted_stay_apart()
    {
        var salesforce = new Normalizer("salesforce");
        Assert.That(salesforce.Status("Closed - Converted").Value, Is.EqualTo("Sold"));
        Assert.That(salesforce.Status("Closed - Not Converted").Value, Is.EqualTo("Lost"));
    }

    [Test]
    public void An_unmapped_value_is_kept_raw_and_marked_unmapped()
    {
        var status = new Normalizer("hubspot").Status("Waiting For Spouse");
        Assert.That(status.Mapped, Is.False);
        Assert.That(status.Value, Is.Null);
        Assert.That(status.Raw, Is.EqualTo("Waiting For Spouse"));
    }

    [Test]
    public void An_integration_overrides_and_extends_its_provider_defaults()
    {
        var normalizer = new Normalizer("salesforce",
            statusMap: new Dictionary<string, string> { ["Closed - Not Converted"] = "abandoned", ["Nurture"] = "Working" },
            activityMap: new Dictionary<string, string> { ["Video Call"] = "PhoneCall" });

        Assert.That(normalizer.Status("Closed - Not Converted").Value, Is.EqualTo("Abandoned"));
        Assert.That(normalizer.Status("nurture").Value, Is.EqualTo("Working"));
        Assert.That(normalizer.Status("Working - Contacted").Value, Is.EqualTo("Working"));
        Assert.That(normalizer.Activity("video-call").Value, Is.EqualTo("PhoneCall"));
    }

    [Test]
    public void An_override_outside_the_vocabulary_is_ignored()
    {
        var normalizer = new Normalizer("salesforce", statusMap: new Dictionary<string, string> { ["Closed - Converted"] = "Won Big" });
        Assert.That(normalizer.Status("Closed - Converted").Value, Is.EqualTo("Sold"));
    }

    [Test]
    public void Every_default_maps_into_the_vocabulary()
    {
        foreach (var provider in new[] { "enquire", "alis", "salesforce", "hubspot", "adf" })
        {
            Assert.That(DefaultMappings.StatusesFor(provider).Values.Distinct(), Is.SubsetOf(Vocabulary.Statuses), provider);
            Assert.That(DefaultMappings.ActivitiesFor(provider).Values.Distinct(), Is.SubsetOf(Vocabulary.Activities), provider);
        }
    }
}
