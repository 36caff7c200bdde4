using System.Xml.Linq;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Contracts;

namespace LeadPlatform.UnitTests.Adf;

public class AdfDocumentSpecs
{
    private static readonly Guid LeadId = Guid.Parse("0195a3c4-0000-7000-8000-0000000000ad");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    private static readonly AdfSettings Settings = new()
    {
        Email = new AdfEmailSettings { Host = "smtp.dealer.example", From = "leads@leadplatform.example", To = ["leads@dealer.example"] },
        Vendor = new AdfVendor { Name = "Acme Motors", ContactName = "Sales desk", Email = "sales@acme.example", Phone = "555-0199" },
        PhoneType = "cellphone",
    };

    private static Lead Full() => new()
    {
        Source = "roobrik",
        SourceLeadId = "r-42",
        AccountId = "acme-motors",
        DealerId = "D-7",
        Conversion = Lead.SalesOptIn,
        OccurredAt = new DateTimeOffset(2026, 11, 20, 15, 30, 20, TimeSpan.FromHours(-8)),
        Prospect = new Person
        {
            FirstName = "Edith", LastName = "Clark", Email = "edith@example.com", Phone = "555-0100",
            Address = new Address { Street = "1 Main St", City = "Springfield", RegionCode = "IL", PostalCode = "62701", Country = "US" },
        },
        Vehicle = new Vehicle { Year = 2025, Make = "Toyota", Model = "RAV4", Trim = "XLE", Vin = "JTMW1RFV0KD000001", Stock = "S-1", Condition = "used", Interest = "test-drive" },
        Survey = new Survey { Name = "Car Fit", Outcome = "SUV", ReportUrl = "https://r.example/1" },
        Interaction = new Interaction { Kind = "chat", RepEmail = "rep@acme.example" },
        CustomFields = new Dictionary<string, string> { ["budget"] = "30000" },
        Comments = "Call after 5pm",
    };

    public static IEnumerable<TestCaseData> VariedLeads()
    {
        yield return new TestCaseData(Full()).SetName("self-assessor with vehicle, address, survey, custom fields");
        yield return new TestCaseData(Full() with
        {
            Contact = new Contact { FirstName = "Anne", LastName = "Clark", Email = "anne@example.com", Relationship = "Daughter" },
        }).SetName("on behalf of the prospect");
        yield return new TestCaseData(Full() with { Vehicle = null }).SetName("without vehicle");
        yield return new TestCaseData(new Lead
        {
            Source = "roobrik", SourceLeadId = "r-min", AccountId = "acme", Conversion = Lead.SalesOptIn,
            Prospect = new Person { LastName = "Only" },
        }).SetName("missing every optional part");
        yield return new TestCaseData(Full() with
        {
            Prospect = new Person { FirstName = "Tom & \"Jerry\"", LastName = "O'Brien <admin>", Email = "tom@example.com" },
            Comments = "]]> <![CDATA[ & < > \" ' </adf>",
            Vehicle = new Vehicle { Make = "Rolls & Royce", Model = "<Ghost>" },
        }).SetName("special characters");
        yield return new TestCaseData(Full() with
        {
            Prospect = new Person { FirstName = "Zoë", LastName = "Müller-Łukasiewicz 山田 😀", Phone = "+49 30 1234",
                Address = new Address { City = "København" } },
            Comments = "bell\u0007 and nul-free text",
        }).SetName("unicode, control characters, address without street");
        yield return new TestCaseData(Full() with
        {
            Prospect = new Person { LastName = "Unreachable" },
            Contact = new Contact { FirstName = "Sam", LastName = "Helper", Phone = "555-0111" },
            Vehicle = new Vehicle { Interest = "rent", Condition = "certified" },
        }).SetName("prospect without email or phone, unknown interest and condition");
    }

    [TestCaseSource(nameof(VariedLeads))]
    public void Every_lead_becomes_a_well_formed_ADF_document_valid_against_the_DTD(Lead lead)
    {
        var xml = AdfDocument.Write(LeadId, lead, Settings, Now);

        Assert.That(AdfDtd.Validate(xml), Is.Empty, xml);
        Assert.That(xml, Does.StartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>").IgnoreCase);
        Assert.That(xml, Does.Contain("<?adf version=\"1.0\"?>"));
        var prospect = XDocument.Parse(xml).Root!.Element("prospect")!;
        var ours = prospect.Elements("id").First();
        Assert.That((string?)ours.Attribute("source"), Is.EqualTo("LeadPlatform"));
        Assert.That((string?)ours.Attribute("sequence"), Is.EqualTo("1"));
        Assert.That(ours.Value, Is.EqualTo(LeadId.ToString()));
        Assert.That(prospect.Elements("id").ElementAt(1).Value, Is.EqualTo(lead.SourceLeadId));
    }

    [Test]
    public void The_full_lead_maps_onto_the_ADF_elements()
    {
        var prospect = XDocument.Parse(AdfDocument.Write(LeadId, Full(), Settings, Now)).Root!.Element("prospect")!;

        Assert.That(prospect.Element("requestdate")!.Value, Is.EqualTo("2026-11-20T15:30:20-08:00"));
        var vehicle = prospect.Element("vehicle")!;
        Assert.That((string?)vehicle.Attribute("interest"), Is.EqualTo("test-drive"));
        Assert.That((string?)vehicle.Attribute("status"), Is.EqualTo("used"));
        Assert.That(new[] { "year", "make", "model", "vin", "stock", "trim" }.Select(e => vehicle.Element(e)!.Value),
            Is.EqualTo(new[] { "2025", "Toyota", "RAV4", "JTMW1RFV0KD000001", "S-1", "XLE" }));
        var contact = prospect.Element("customer")!.Element("contact")!;
        Assert.That(contact.Elements("name").Select(n => $"{n.Attribute("part")!.Value}={n.Value}"), Is.EqualTo(new[] { "first=Edith", "last=Clark" }));
        Assert.That(contact.Element("email")!.Value, Is.EqualTo("edith@example.com"));
        Assert.That(contact.Element("phone")!.Value, Is.EqualTo("555-0100"));
        Assert.That((string?)contact.Element("phone")!.Attribute("type"), Is.EqualTo("cellphone"));
        var address = contact.Element("address")!;
        Assert.That(new[] { "street", "city", "regioncode", "postalcode", "country" }.Select(e => address.Element(e)!.Value),
            Is.EqualTo(new[] { "1 Main St", "Springfield", "IL", "62701", "US" }));
        var comments = prospect.Element("customer")!.Element("comments")!.Value;
        Assert.That(comments, Does.Contain("Survey: Car Fit").And.Contain("Survey outcome: SUV").And.Contain("Interaction: chat with rep@acme.example")
            .And.Contain("budget: 30000").And.Contain("Comments: Call after 5pm").And.Contain("Report: https://r.example/1"));
        var vendor = prospect.Element("vendor")!;
        Assert.That(vendor.Element("vendorname")!.Value, Is.EqualTo("Acme Motors"));
        Assert.That(vendor.Element("id")!.Value, Is.EqualTo("D-7"));
        Assert.That(vendor.Element("contact")!.Element("name")!.Value, Is.EqualTo("Sales desk"));
        Assert.That(vendor.Element("contact")!.Element("email")!.Value, Is.EqualTo("sales@acme.example"));
        var provider = prospect.Element("provider")!;
        Assert.That(provider.Element("name")!.Value, Is.EqualTo("LeadPlatform"));
        Assert.That(provider.Element("service")!.Value, Is.EqualTo("roobrik"));
    }

    [Test]
    public void Special_and_unicode_characters_are_escaped_and_come_back_unchanged()
    {
        var lead = Full() with
        {
            Prospect = new Person { FirstName = "Zoë & \"Jo\"", LastName = "O'Brien <山田 😀>", Email = "zoe@example.com" },
            Comments = "]]> & </adf>\u0001",
        };
        var xml = AdfDocument.Write(LeadId, lead, Settings, Now);
        var customer = XDocument.Parse(xml).Root!.Element("prospect")!.Element("customer")!;

        Assert.That(customer.Element("contact")!.Elements("name").Select(n => n.Value), Is.EqualTo(new[] { "Zoë & \"Jo\"", "O'Brien <山田 😀>" }));
        Assert.That(customer.Element("comments")!.Value, Does.EndWith("Comments: ]]> & </adf>"));
        Assert.That(xml, Does.Contain("O'Brien &lt;山田 😀&gt;"));
    }

    [Test]
    public void A_lead_without_vehicle_still_has_the_vehicle_ADF_requires_with_empty_year_make_model()
    {
        var vehicle = XDocument.Parse(AdfDocument.Write(LeadId, Full() with { Vehicle = null }, Settings, Now)).Root!.Element("prospect")!.Element("vehicle")!;

        Assert.That(vehicle.Elements().Select(e => e.Name.LocalName), Is.EqualTo(new[] { "year", "make", "model" }));
        Assert.That(vehicle.Elements().Select(e => e.Value), Is.All.Empty);
    }

    [Test]
    public void On_behalf_contact_goes_into_comments_and_lends_its_email_or_phone_only_when_the_prospect_has_none()
    {
        var lead = Full() with
        {
            Prospect = new Person { FirstName = "Edith", LastName = "Clark" },
            Contact = new Contact { FirstName = "Sam", LastName = "Clark", Phone = "555-0111", Relationship = "Son" },
        };
        var customer = XDocument.Parse(AdfDocument.Write(LeadId, lead, Settings, Now)).Root!.Element("prospect")!.Element("customer")!;

        Assert.That(customer.Element("contact")!.Element("phone")!.Value, Is.EqualTo("555-0111"));
        Assert.That(customer.Element("contact")!.Elements("name").Last().Value, Is.EqualTo("Clark"));
        Assert.That(customer.Element("comments")!.Value, Does.Contain("Submitted on behalf of the prospect by: Sam Clark (Son), 555-0111")
            .And.Contain("are those of the person who submitted"));
    }

    [Test]
    public void The_validator_rejects_a_document_the_DTD_does_not_allow()
    {
        var xml = AdfDocument.Write(LeadId, Full(), Settings, Now).Replace("<vendorname>", "<dealername>", StringComparison.Ordinal)
            .Replace("</vendorname>", "</dealername>", StringComparison.Ordinal);

        Assert.That(AdfDtd.Validate(xml), Is.Not.Empty);
        Assert.That(AdfDtd.Validate("<adf><prospect>"), Has.Some.Contains("not well-formed"));
    }
}
