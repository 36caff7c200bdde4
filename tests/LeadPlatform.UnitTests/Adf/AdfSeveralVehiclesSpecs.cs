using System.Text;
using System.Xml.Linq;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;

namespace LeadPlatform.UnitTests.Adf;

/// <summary>Every vehicle a prospect names goes out in the ADF the connector sends, valid against the DTD.</summary>
public class AdfSeveralVehiclesSpecs
{
    private static readonly AdfSettings Settings = new()
    {
        Email = new AdfEmailSettings { Host = "smtp.dealer.example", From = "leads@leadplatform.example", To = ["leads@dealer.example"] },
        Vendor = new AdfVendor { Name = "Harbor Point Marine" },
    };

    private static readonly Vehicle[] Vehicles =
    [
        new() { Year = 2026, Make = "Boston Whaler", Model = "240 Dauntless", Stock = "BW-240-7", Condition = "new", Interest = "buy" },
        new() { Year = 2026, Make = "Mercury", Model = "Verado 300", Condition = "new", Interest = "buy" },
        new() { Year = 2014, Make = "Bayliner", Model = "175 Bowrider", Condition = "used", Interest = "trade-in", Odometer = 410, Comments = "Engine hours" },
    ];

    private static Lead BoatLead() => new()
    {
        Source = "boattrader",
        SourceLeadId = "BT-1",
        AccountId = "harbor-point",
        Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Grace", LastName = "Holm", Email = "grace.holm@example.com" },
        Vehicle = Vehicles[0],
        Vehicles = Vehicles,
    };

    [Test]
    public void Each_vehicle_becomes_a_vehicle_element_in_order_and_the_document_stays_valid()
    {
        var xml = AdfDocument.Write(Guid.NewGuid(), BoatLead(), Settings, DateTimeOffset.UtcNow);
        var vehicles = XDocument.Parse(xml).Root!.Element("prospect")!.Elements("vehicle").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(AdfDtd.Validate(xml), Is.Empty);
            Assert.That(vehicles.Select(v => (v.Element("make")!.Value, v.Attribute("interest")!.Value)),
                Is.EqualTo(new[] { ("Boston Whaler", "buy"), ("Mercury", "buy"), ("Bayliner", "trade-in") }));
            Assert.That(vehicles[2].Element("odometer")!.Value, Is.EqualTo("410"));
            Assert.That(vehicles[2].Element("comments")!.Value, Is.EqualTo("Engine hours"));
        });
    }

    [Test]
    public void What_the_connector_sends_is_read_back_by_ingestion_with_every_vehicle()
    {
        var xml = AdfDocument.Write(Guid.NewGuid(), BoatLead(), Settings, DateTimeOffset.UtcNow);
        var back = AdfParser.Parse(Encoding.UTF8.GetBytes(xml), "platform").Single();

        Assert.That(back.Vehicles, Is.EqualTo(Vehicles));
        Assert.That(back.Vehicle, Is.EqualTo(Vehicles[0]));
    }

    [Test]
    public void A_lead_with_only_the_main_vehicle_sends_that_one() =>
        Assert.That(XDocument.Parse(AdfDocument.Write(Guid.NewGuid(), BoatLead() with { Vehicles = null }, Settings, DateTimeOffset.UtcNow))
            .Root!.Element("prospect")!.Elements("vehicle").Select(v => v.Element("make")!.Value), Is.EqualTo(new[] { "Boston Whaler" }));
}
