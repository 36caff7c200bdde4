using LeadPlatform.Ingestion;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.UnitTests.Security;

[TestFixture, Category("Security")]
public class AdminKeyRulesSpecs
{
    private const string Long = "a-long-enough-key-0123456789";

    private static AdminKeysOptions Named(string name, string key, string role, string? accountId = null) => new()
    {
        Keys = { [name] = new AdminKeyOptions { Key = key, Role = role, AccountId = accountId } },
    };

    [Test]
    public void Outside_Development_no_key_is_a_problem_and_in_Development_dev_admin_key_is_the_default()
    {
        Assert.That(AdminKeyRules.Read(new AdminKeysOptions(), development: false).Problems, Is.Not.Empty);
        var (keys, problems) = AdminKeyRules.Read(new AdminKeysOptions(), development: true);
        Assert.That(problems, Is.Empty);
        Assert.That(keys.Single().Key, Is.EqualTo(AdminKeyRules.DevelopmentKey));
    }

    [TestCase("dev-admin-key")]
    [TestCase("short-0123")]
    public void Outside_Development_a_published_or_short_key_is_a_problem(string key) =>
        Assert.That(AdminKeyRules.Read(new AdminKeysOptions { Key = key }, development: false).Problems, Is.Not.Empty);

    [Test]
    public void Named_keys_carry_their_roles_and_the_legacy_key_is_an_admin()
    {
        var options = Named("ops", Long + "-ops", "Operator");
        options.Key = Long;
        var (keys, problems) = AdminKeyRules.Read(options, development: false);
        Assert.That(problems, Is.Empty);
        Assert.That(keys.Select(k => (k.Principal.Name, k.Principal.Role)),
            Is.EquivalentTo(new[] { (AdminKeyRules.LegacyName, AdminRole.Admin), ("ops", AdminRole.Operator) }));
    }

    [TestCase("superuser")]
    [TestCase("3")]
    [TestCase(null)]
    public void An_unknown_role_is_a_problem(string? role) =>
        Assert.That(AdminKeyRules.Read(Named("x", Long, role!), development: false).Problems, Is.Not.Empty);

    [Test]
    public void Only_viewers_may_be_limited_to_an_account()
    {
        Assert.That(AdminKeyRules.Read(Named("x", Long, "viewer", "acme"), development: false).Problems, Is.Empty);
        Assert.That(AdminKeyRules.Read(Named("x", Long, "operator", "acme"), development: false).Problems, Is.Not.Empty);
    }

    [Test]
    public void Roles_include_the_ones_below_and_account_viewers_see_their_account_only()
    {
        Assert.That(new AdminPrincipal("a", AdminRole.Admin, null).Has(AdminRole.Operator), Is.True);
        Assert.That(new AdminPrincipal("v", AdminRole.Viewer, null).Has(AdminRole.Operator), Is.False);
        var acme = new AdminPrincipal("acme", AdminRole.Viewer, "acme");
        Assert.That(acme.Sees("acme"), Is.True);
        Assert.That(acme.Sees("beta"), Is.False);
        Assert.That(acme.Sees(null), Is.False);
    }

    [Test]
    public void A_source_key_reads_its_own_source_unless_granted_its_accounts_and_changes_only_its_own()
    {
        var own = new ApiCaller("roobrik", ["acme"]);
        var granted = new ApiCaller("roobrik", ["acme"], ReadAccountLeads: true);
        Assert.That(own.MayRead("Roobrik", "acme"), Is.True);
        Assert.That(own.MayRead("vendor", "acme"), Is.False);
        Assert.That(granted.MayRead("vendor", "acme"), Is.True);
        Assert.That(granted.MayRead("vendor", "beta"), Is.False);
        Assert.That(granted.MayChange("vendor", "acme"), Is.False);
    }
}
