using LeadPlatform.Integrations;

namespace LeadPlatform.UnitTests.Disposition;

/// <summary>Each CRM declares the disposition directions its API really offers, and the channel behind each.</summary>
public class CrmCapabilitySpecs
{
    [TestCase("hubspot", "inbound-push", "hubspot-webhook-v3")]
    [TestCase("hubspot", "inbound-poll", "hubspot-crm-search")]
    [TestCase("salesforce", "inbound-push", "salesforce-outbound-message")]
    [TestCase("salesforce", "inbound-poll", "salesforce-soql")]
    [TestCase("alis", "inbound-poll", "generic-feed")]
    [TestCase("adf", "inbound-push", "dealer-push")]
    [TestCase("adf", "inbound-poll", "dealer-feed")]
    public void A_supported_direction_names_its_channel(string crm, string direction, string channel)
    {
        Assert.That(CrmCapabilities.Supports(crm, direction), Is.True);
        Assert.That(CrmCapabilities.DispositionChannels(crm, direction), Does.Contain(channel));
    }

    [TestCase("alis", "inbound-push")]
    public void A_CRM_that_offers_nothing_in_a_direction_says_so(string crm, string direction)
    {
        Assert.That(CrmCapabilities.Supports(crm, direction), Is.False);
        Assert.That(CrmCapabilities.DispositionChannels(crm, direction), Is.Empty);
    }

    // ADF's inbound directions depend on the dealer provider the integration names: see DealerProviderSpecs.

}
