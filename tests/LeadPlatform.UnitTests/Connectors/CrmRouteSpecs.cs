using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.Connectors;

public sealed class CrmRouteSpecs
{
    private static PlannedDelivery[] To(params string[] crms) =>
        crms.Select((crm, i) => new PlannedDelivery { IntegrationId = $"i{i}", Crm = crm }).ToArray();

    [Test]
    public void The_routing_key_names_each_planned_crm_once_lower_case_and_sorted() =>
        Assert.That(CrmRoute.RoutingKey(To("Enquire", "alis", "enquire")), Is.EqualTo("alis.enquire"));

    [TestCase("dealer.crm")]
    [TestCase("hub*")]
    [TestCase("#")]
    [TestCase("")]
    public void A_crm_name_that_cannot_be_a_topic_word_sends_the_lead_to_every_connector(string crm)
    {
        Assert.That(CrmRoute.RoutingKey(To("alis", crm)), Is.Empty);
        Assert.That(CrmRoute.BindingKey(crm), Is.EqualTo("#"));
    }

    [Test]
    public void A_lead_planned_for_nobody_or_for_too_many_to_name_goes_to_every_connector()
    {
        Assert.That(CrmRoute.RoutingKey([]), Is.Empty);
        Assert.That(CrmRoute.RoutingKey(To(Enumerable.Range(0, 30).Select(i => $"crm-number-{i:D2}").ToArray())), Is.Empty);
    }

    [Test]
    public void A_connector_binds_to_any_key_that_names_its_crm() =>
        Assert.That(CrmRoute.BindingKey("Enquire"), Is.EqualTo("#.enquire.#"));
}
