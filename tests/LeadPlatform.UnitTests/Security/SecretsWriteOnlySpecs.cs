using LeadPlatform.Ingestion;
using LeadPlatform.Integrations;

namespace LeadPlatform.UnitTests.Security;

/// <summary>Credentials are write-only: the mask or an omitted value keeps what is stored (issue 16, hole 2).</summary>
[TestFixture, Category("Security")]
public class SecretsWriteOnlySpecs
{
    private const string Secret = "whsec-0123456789abcdef0123456789abcdef";

    private static Integration Stored() => new()
    {
        Id = "i1", AccountId = "acme", Crm = "enquire",
        Credentials = new Dictionary<string, string> { ["webhookSecret"] = Secret, ["subscriptionKey"] = "sub-key" },
    };

    [Test]
    public void Putting_back_what_GET_showed_keeps_every_stored_credential()
    {
        var shown = IntegrationSecrets.Redacted(Stored());

        var (merged, errors) = IntegrationSecrets.Merge(shown, Stored());

        Assert.That(shown.Credentials.Values, Is.All.EqualTo("***"));
        Assert.That(errors, Is.Empty);
        Assert.That(merged.Credentials, Is.EqualTo(Stored().Credentials));
    }

    [Test]
    public void An_omitted_credential_is_kept_a_new_value_replaces_and_an_empty_one_removes()
    {
        var given = Stored() with { Credentials = new Dictionary<string, string> { ["subscriptionKey"] = "", ["apiKey"] = "new" } };

        var (merged, _) = IntegrationSecrets.Merge(given, Stored());

        Assert.That(merged.Credentials, Is.EqualTo(new Dictionary<string, string> { ["webhookSecret"] = Secret, ["apiKey"] = "new" }));
    }

    [Test]
    public void The_mask_with_nothing_stored_behind_it_is_refused_naming_the_credential()
    {
        var (_, errors) = IntegrationSecrets.Merge(IntegrationSecrets.Redacted(Stored()), stored: null);

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "credentials.webhookSecret", "credentials.subscriptionKey" }));
    }

    [TestCase("short", true)]
    [TestCase("0123456789abcdef0123456789abcde", true)]
    [TestCase("0123456789abcdef0123456789abcdef", false)]
    [TestCase("***", false)]
    public void A_webhook_secret_shorter_than_32_characters_is_refused(string secret, bool refused)
    {
        var errors = IntegrationValidator.Validate(Stored() with { Credentials = new Dictionary<string, string> { ["webhookSecret"] = secret } });

        Assert.That(errors.ContainsKey("credentials.webhookSecret"), Is.EqualTo(refused));
    }
}
