using System.Text;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;

namespace LeadPlatform.UnitTests.Security;

/// <summary>Control characters and broken Unicode are refused per field before anything is stored (issue 16, hole 7).</summary>
[TestFixture, Category("Security")]
public class InputTextSpecs
{
    private static Lead Valid() => new()
    {
        Source = "roobrik", SourceLeadId = "t-1", AccountId = "acme", Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Edith", LastName = "Clark" },
    };

    [TestCase("prospect.lastName", "Cl\0ark")]
    [TestCase("prospect.firstName", "Ed\u0001ith")]
    [TestCase("prospect.firstName", "Ed{unpaired surrogate}ith")]
    [TestCase("sourceLeadId", "t-1\n")]
    [TestCase("comments", "bell\u0007")]
    [TestCase("customFields.note", "a\0")]
    public void A_control_character_or_broken_unicode_is_refused_naming_the_field(string field, string value)
    {
        // An attribute can't carry an unpaired surrogate (its strings are stored as UTF-8).
        value = value.Replace("{unpaired surrogate}", "\ud800", StringComparison.Ordinal);
        var lead = field switch
        {
            "prospect.lastName" => Valid() with { Prospect = new Person { LastName = value } },
            "prospect.firstName" => Valid() with { Prospect = new Person { FirstName = value, LastName = "Clark" } },
            "sourceLeadId" => Valid() with { SourceLeadId = value },
            "comments" => Valid() with { Comments = value },
            _ => Valid() with { CustomFields = new Dictionary<string, string> { ["note"] = value } },
        };

        var errors = LeadValidator.Validate(lead);

        Assert.That(errors.Keys, Does.Contain(field));
    }

    [Test]
    public void Tabs_and_line_breaks_are_free_text_and_emoji_are_text()
    {
        var lead = Valid() with { Comments = "line 1\r\n\tline 2 😀", Survey = new Survey { Notes = "a\nb" } };

        Assert.That(LeadValidator.Validate(lead), Is.Empty);
    }

    [Test]
    public void A_long_or_control_character_idempotency_key_is_refused()
    {
        Assert.That(LeadSubmission.IdempotencyKeyProblem(new string('k', 201)), Is.Not.Null);
        Assert.That(LeadSubmission.IdempotencyKeyProblem("k\0"), Is.Not.Null);
        Assert.That(LeadSubmission.IdempotencyKeyProblem("k-1"), Is.Null);
    }

    [TestCase("<?adf version=\"1.0\"?><?xml version=\"1.0\"<adf><prospect/></adf>")]
    [TestCase("<?adf version=\"1.0\"?>\n<?xml version=\"1.0\" encoding=\"UTF-8\"")]
    [TestCase("<?adf?><?xml <adf>")]
    public void A_broken_declaration_after_the_adf_instruction_is_refused_as_malformed(string body)
    {
        var refused = Assert.Throws<AdfParser.AdfException>(() => AdfParser.Parse(Encoding.UTF8.GetBytes(body), "vendor"));

        Assert.That(refused!.Field, Is.EqualTo("body"));
    }
}
