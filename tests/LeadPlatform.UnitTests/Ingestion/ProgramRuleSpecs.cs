using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;

namespace LeadPlatform.UnitTests.Ingestion;

public class ProgramRuleSpecs
{
    private static Lead VendorLead(string make = "Toyota", string postal = "94105", string interest = "lease") => new()
    {
        Source = "carsdirect",
        Prospect = new Person { LastName = "L", Address = new Address { PostalCode = postal } },
        Vehicle = new Vehicle { Make = make, Interest = interest, Condition = "new" },
    };

    private static readonly ProgramRule Rule = new()
    {
        Id = "r", AccountId = "bay-toyota", Vendors = ["CarsDirect"], Makes = ["toyota"], PostalPrefixes = ["941"], Products = ["lease"],
        DealerId = "bay-1", OemId = "toyota", Programs = ["leasing"],
    };

    [Test]
    public void Every_criterion_must_match_case_insensitively() => Assert.That(Rule.Accepts(VendorLead()), Is.True);

    [TestCase("Honda", "94105", "lease")]
    [TestCase("Toyota", "95014", "lease")]
    [TestCase("Toyota", "94105", "buy")]
    public void A_lead_missing_one_criterion_is_not_taken(string make, string postal, string interest) =>
        Assert.That(Rule.Accepts(VendorLead(make, postal, interest)), Is.False);

    [Test]
    public void Empty_criteria_take_everything_and_products_match_condition_too()
    {
        Assert.That(new ProgramRule { AccountId = "a" }.Accepts(VendorLead()), Is.True);
        Assert.That(new ProgramRule { AccountId = "a", Products = ["new"] }.Accepts(VendorLead(interest: "buy")), Is.True);
    }

    [Test]
    public void Applying_a_rule_routes_the_lead_to_its_account_dealer_oem_and_programs()
    {
        var routed = Rule.Apply(VendorLead() with { Programs = ["existing"] });
        Assert.That(routed.AccountId, Is.EqualTo("bay-toyota"));
        Assert.That(routed.DealerId, Is.EqualTo("bay-1"));
        Assert.That(routed.OemId, Is.EqualTo("toyota"));
        Assert.That(routed.Programs, Is.EqualTo(new[] { "existing", "leasing" }));
    }

    [Test]
    public void Source_keys_are_stored_as_a_hash_and_allow_only_their_accounts()
    {
        Assert.That(SourceKeys.Hash("secret-key-0123456789"), Has.Length.EqualTo(64).And.Not.Contains("secret"));
        Assert.That(new ApiCaller("s", ["a"]).MaySubmitTo("a"), Is.True);
        Assert.That(new ApiCaller("s", ["a"]).MaySubmitTo("b"), Is.False);
        Assert.That(new ApiCaller("s", ["*"]).MaySubmitTo("b"), Is.True);
        Assert.That(SourceKeys.Validate(new SourceKey { Source = "s", Key = "short", Accounts = [] }).Keys, Is.EquivalentTo(new[] { "key", "accounts" }));
    }
}
