using System.Text;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;

namespace LeadPlatform.UnitTests.Ingestion;

public class AdfParserSpecs
{
    private static IReadOnlyList<Lead> Parse(string xml) => AdfParser.Parse(Encoding.UTF8.GetBytes(xml), "vendor-x");

    [Test]
    public void Reads_the_spec_shape_into_the_canonical_lead()
    {
        var lead = Parse("""
            <?xml version="1.0"?>
            <?adf version="1.0"?>
            <adf><prospect>
              <id source="V">L-1</id><requestdate>2026-11-20T09:30:00-08:00</requestdate>
              <vehicle interest="lease" status="used"><year>2024</year><make>Toyota</make><model>RAV4</model><vin>JT123</vin><stock>S9</stock><trim>XLE</trim></vehicle>
              <customer><contact>
                <name part="first">Ann</name><name part="last">Lee</name>
                <email>ann@example.com</email><phone type="fax">111</phone><phone type="voice">555-0100</phone>
                <address><street line="1">1 Main</street><street line="2">Apt 2</street><city>Oakland</city><regioncode>CA</regioncode><postalcode>94612</postalcode><country>US</country></address>
              </contact><comments>Call me</comments></customer>
              <vendor><vendorname>Bay Toyota</vendorname></vendor>
            </prospect></adf>
            """).Single();

        Assert.Multiple(() =>
        {
            Assert.That(lead.Source, Is.EqualTo("vendor-x"));
            Assert.That(lead.SourceLeadId, Is.EqualTo("L-1"));
            Assert.That(lead.Conversion, Is.EqualTo(Lead.SalesOptIn));
            Assert.That(lead.OccurredAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 17, 30, 0, TimeSpan.Zero)));
            Assert.That(lead.Prospect.FirstName, Is.EqualTo("Ann"));
            Assert.That(lead.Prospect.LastName, Is.EqualTo("Lee"));
            Assert.That(lead.Prospect.Phone, Is.EqualTo("555-0100"));
            Assert.That(lead.Prospect.Address!.Street, Is.EqualTo("1 Main, Apt 2"));
            Assert.That(lead.Prospect.Address.PostalCode, Is.EqualTo("94612"));
            Assert.That(lead.Vehicle, Is.EqualTo(new Vehicle { Year = 2024, Make = "Toyota", Model = "RAV4", Trim = "XLE", Vin = "JT123", Stock = "S9", Condition = "used", Interest = "lease" }));
            Assert.That(lead.Comments, Is.EqualTo("Call me"));
            Assert.That(lead.CustomFields!["adf.vendorName"], Is.EqualTo("Bay Toyota"));
        });
    }

    [Test]
    public void A_comment_longer_than_the_text_limit_is_cut_to_it_and_the_lead_kept()
    {
        var transcript = string.Concat(Enumerable.Repeat("Visitor asked about slip fees and winter storage. ", 40));
        var lead = Parse($"""
            <?adf version="1.0"?><adf><prospect><customer><contact><name part="full">Ann Lee</name><email>ann@example.com</email>
            </contact><comments>{transcript}</comments></customer>
            <vehicle><make>Boston Whaler</make><comments>{transcript}</comments></vehicle></prospect></adf>
            """).Single();

        Assert.That(lead.Comments, Has.Length.EqualTo(500).And.StartWith("Visitor asked about slip fees").And.EndWith("…"));
        Assert.That(lead.Vehicle!.Comments, Has.Length.LessThanOrEqualTo(500));
        Assert.That(LeadValidator.Validate(lead with { AccountId = "harbor-marine" }), Is.Empty);
    }

    [Test]
    public void Tolerates_upper_case_full_names_unknown_phone_types_and_CDATA()
    {
        var lead = Parse("""
            <?ADF VERSION="1.0"?><ADF><Prospect><Customer><Contact>
              <Name Part="Full">Jean Paul Sartre</Name><PHONE type="mobile-text">(415) 555-0101</PHONE>
            </Contact><Comments><![CDATA[Wants <b>red</b> & soon]]></Comments></Customer></Prospect></ADF>
            """).Single();

        Assert.That(lead.Prospect.FirstName, Is.EqualTo("Jean Paul"));
        Assert.That(lead.Prospect.LastName, Is.EqualTo("Sartre"));
        Assert.That(lead.Prospect.Phone, Is.EqualTo("(415) 555-0101"));
        Assert.That(lead.Comments, Is.EqualTo("Wants <b>red</b> & soon"));
    }

    [Test]
    public void A_prospect_without_id_gets_a_stable_content_id_and_several_prospects_give_several_leads()
    {
        const string xml = "<adf><prospect><customer><contact><name>Solo</name></contact></customer></prospect><prospect><customer><contact><name>Other Person</name></contact></customer></prospect></adf>";
        var first = Parse(xml);
        var second = Parse(xml);
        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(first[0].SourceLeadId, Does.StartWith("adf-"));
        Assert.That(first[0].SourceLeadId, Is.EqualTo(second[0].SourceLeadId));
        Assert.That(first[0].SourceLeadId, Is.Not.EqualTo(first[1].SourceLeadId));
        Assert.That(first[0].Prospect.LastName, Is.EqualTo("Solo"));
    }

    [TestCase("<!DOCTYPE adf [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><adf><prospect/></adf>", "body")]
    [TestCase("<!DOCTYPE adf [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><adf><prospect>&b;</prospect></adf>", "body")]
    [TestCase("<adf><prospect>", "body")]
    [TestCase("<lead/>", "adf")]
    [TestCase("<adf></adf>", "adf.prospect")]
    public void Refuses_DTDs_malformed_and_non_ADF_documents(string xml, string field)
    {
        var ex = Assert.Throws<AdfParser.AdfException>(() => Parse(xml));
        Assert.That(ex!.Field, Is.EqualTo(field));
    }
}
