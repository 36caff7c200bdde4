using System.Text.Json;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;

namespace LeadPlatform.UnitTests.Integrations;

/// <summary>The dealer provider catalog shipped as data: valid, honest about what each provider can do, and checked when edited.</summary>
public class DealerProviderSpecs
{
    private static IEnumerable<string> Shipped() => DealerProviderCatalog.Shipped.Keys.Order();

    [Test]
    public void A_generic_provider_and_at_least_three_modelled_on_real_dealer_CRMs_ship()
    {
        Assert.That(DealerProviderCatalog.Shipped.Keys, Does.Contain("generic"));
        var modelled = DealerProviderCatalog.Shipped.Values.Where(p => p.Id != "generic").ToList();
        Assert.That(modelled, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(modelled.Select(p => p.ModelledOn), Has.All.Not.Null.And.All.Contains("."));
    }

    [TestCaseSource(nameof(Shipped))]
    public void Each_shipped_provider_passes_its_own_validation(string id) =>
        Assert.That(DealerProviderValidator.Validate(DealerProviderCatalog.Shipped[id]), Is.Empty);

    [TestCaseSource(nameof(Shipped))]
    public void Each_shipped_provider_can_send_dispositions_one_way_or_another(string id)
    {
        var provider = DealerProviderCatalog.Shipped[id];
        Assert.That(provider.PushesDispositions || provider.Feed is not null, Is.True);
    }

    [Test]
    public void Directions_follow_the_provider()
    {
        var dx1 = DealerProviderCatalog.Shipped["dx1"];
        var webcontrol = DealerProviderCatalog.Shipped["webcontrol"];
        Assert.That(dx1.Supports(IntegrationDirections.InboundPush), Is.True);
        Assert.That(dx1.Supports(IntegrationDirections.InboundPoll), Is.False);
        Assert.That(webcontrol.Supports(IntegrationDirections.InboundPush), Is.False);
        Assert.That(webcontrol.Supports(IntegrationDirections.InboundPoll), Is.True);
    }

    [Test]
    public void A_vocabulary_value_outside_the_common_set_and_a_bad_feed_path_are_named()
    {
        var bad = DealerProviderCatalog.Shipped["webcontrol"] with
        {
            Statuses = new Dictionary<string, string> { ["Sold Out"] = "Finished" },
            Feed = DealerProviderCatalog.Shipped["webcontrol"].Feed! with { ItemsPath = "data..items" },
            LeadDelivery = "fax",
        };
        var errors = DealerProviderValidator.Validate(bad);
        Assert.That(errors.Keys, Is.SupersetOf(new[] { "statuses.Sold Out", "feed.itemsPath", "leadDelivery" }));
    }

    [TestCase("dx1", "Working Sales", "Working")]
    [TestCase("dx1", "Bad", "Abandoned")]
    [TestCase("webcontrol", "First Response", "Working")]
    [TestCase("dealermine", "Unsold", "Lost")]
    [TestCase("generic", "Bought Elsewhere", "Lost")]
    public void A_provider_status_maps_through_its_vocabulary(string id, string raw, string expected) =>
        Assert.That(new Normalizer("adf", dealerProvider: DealerProviderCatalog.Shipped[id]).Status(raw).Value, Is.EqualTo(expected));

    [Test]
    public void The_integration_names_its_provider_in_settings()
    {
        var integration = new Integration { Crm = "adf", Settings = JsonDocument.Parse("""{ "dealerProvider": "dx1" }""").RootElement };
        Assert.That(DealerProviderCatalog.ProviderIdOf(integration), Is.EqualTo("dx1"));
        Assert.That(SettingsSchemas.Validate("adf", integration.Settings), Is.Empty);
    }
}
