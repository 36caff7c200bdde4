using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;

namespace LeadPlatform.UnitTests.Ingestion;

/// <summary>ADF as vendors really send it (the corpus in AdfCorpus/, provenance in its README): read, or refused for a DTD.</summary>
public class AdfCorpusSpecs
{
    private static string CorpusDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Ingestion", "AdfCorpus");

    private static Lead Read(string name) => AdfParser.Parse(File.ReadAllBytes(Path.Combine(CorpusDirectory, name + ".adf")), "vendor-x").Single();

    [Test]
    public void Every_corpus_document_is_read_or_refused_for_its_DTD()
    {
        var files = Directory.GetFiles(CorpusDirectory, "*.adf");
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(10));
        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                var body = File.ReadAllBytes(file);
                if (Path.GetFileName(file).StartsWith("refused-", StringComparison.Ordinal))
                {
                    var ex = Assert.Throws<AdfParser.AdfException>(() => AdfParser.Parse(body, "vendor-x"), file);
                    Assert.That(ex!.Field, Is.EqualTo("body"), file);
                }
                else
                {
                    Assert.That(() => AdfParser.Parse(body, "vendor-x"), Has.Count.EqualTo(1), file);
                }
            }
        });
    }

    [Test]
    public void Upper_case_instructions_without_equals_and_unquoted_attributes_are_read()
    {
        var lead = Read("impel-upper-case-instructions-unquoted-sequence");
        Assert.Multiple(() =>
        {
            Assert.That(lead.SourceLeadId, Is.EqualTo("IM-20461"));
            Assert.That(lead.Prospect.FirstName, Is.EqualTo("Dana"));
            Assert.That(lead.Prospect.LastName, Is.EqualTo("Okafor"));
            Assert.That(lead.Prospect.Phone, Is.EqualTo("(555) 010-4477"));
            Assert.That(lead.Vehicle, Is.EqualTo(new Vehicle { Year = 2022, Make = "Sea Ray", Model = "SPX 190", Stock = "B-118", Condition = "used", Interest = "buy" }));
            Assert.That(lead.OccurredAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 14, 30, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public void An_adf_instruction_after_the_declaration_and_several_phone_types_are_read()
    {
        var lead = Read("goaltracking-adf-instruction-after-declaration");
        Assert.That(lead.SourceLeadId, Is.EqualTo("GT-9001"));
        Assert.That(lead.Prospect.Phone, Is.EqualTo("555-685-9685"), "a mobile number before home and work");
        Assert.That(lead.Comments, Is.EqualTo("What is your best price?"));
    }

    [Test]
    public void Pasted_autolinks_are_text_not_elements()
    {
        var lead = Read("launchlabs-autolinks-and-empty-vehicle");
        Assert.Multiple(() =>
        {
            Assert.That(lead.Prospect.FirstName, Is.EqualTo("Priya"));
            Assert.That(lead.Prospect.LastName, Is.EqualTo("Raman"));
            Assert.That(lead.Comments, Does.Contain("<https://example.com/profile>"));
            Assert.That(lead.Vehicle!.Interest, Is.EqualTo("buy"));
        });
    }

    [Test]
    public void A_trade_in_is_kept_beside_the_vehicle_to_buy()
    {
        var lead = Read("dealerteam-buy-with-trade-in");
        Assert.Multiple(() =>
        {
            Assert.That(lead.Vehicle!.Model, Is.EqualTo("RZR XP 1000"));
            Assert.That(lead.Vehicles, Has.Count.EqualTo(2));
            Assert.That(lead.Vehicles![1], Is.EqualTo(new Vehicle
            {
                Year = 2018, Make = "Polaris", Model = "Ranger 570", Vin = "4XARTE574J0000002", Condition = "used", Interest = "trade-in",
                Odometer = 3412, Comments = "Winch, new tyres",
            }));
        });
    }

    [Test]
    public void Text_around_the_document_bare_ampersands_and_HTML_entities_are_tolerated()
    {
        var lead = Read("email-body-with-greeting-signature-and-bare-ampersands");
        Assert.Multiple(() =>
        {
            Assert.That(lead.SourceLeadId, Is.EqualTo("BM-1"));
            Assert.That(lead.Prospect.LastName, Is.EqualTo("O'Neil"));
            Assert.That(lead.Comments, Is.EqualTo("Trade & financing questions \u2014 call after 5 \u00a9 R&D"));
            Assert.That(lead.CustomFields!["adf.vendorName"], Is.EqualTo("Smith & Sons Marine"));
        });
    }

    [Test]
    public void Mismatched_case_loose_attributes_bare_less_than_and_control_characters_are_tolerated()
    {
        var lead = Read("hand-written-mixed-case-and-loose-attributes");
        Assert.Multiple(() =>
        {
            Assert.That(lead.SourceLeadId, Is.EqualTo("HW-42"));
            Assert.That(lead.Prospect.FirstName, Is.EqualTo("Ana"));
            Assert.That(lead.Prospect.LastName, Is.EqualTo("Silva"));
            Assert.That(lead.Prospect.Email, Is.EqualTo("ana.silva@example.com"));
            Assert.That(lead.Prospect.Phone, Is.EqualTo("555-0102-334"));
            Assert.That(lead.Vehicle, Is.EqualTo(new Vehicle { Year = 2020, Make = "Ford", Model = "F-150", Condition = "used", Interest = "buy" }));
            Assert.That(lead.Comments, Is.EqualTo("Budget < 30000, wants it by Friday"));
        });
    }

    [Test]
    public void A_declared_Latin1_encoding_is_honoured()
    {
        var lead = Read("latin1-declared-encoding");
        Assert.That(lead.Prospect.FirstName, Is.EqualTo("José"));
        Assert.That(lead.Prospect.LastName, Is.EqualTo("Muñoz"));
        Assert.That(lead.Comments, Is.EqualTo("¿Precio final?"));
    }

    [Test]
    public void Every_vehicle_a_prospect_names_is_kept_in_order()
    {
        var lead = Read("boat-dealer-several-to-buy-and-a-trade-in");
        Assert.Multiple(() =>
        {
            Assert.That(lead.Vehicles!.Select(v => (v.Make, v.Interest)), Is.EqualTo(new[]
            {
                ("Boston Whaler", "buy"), ("Mercury", "buy"), ("Karavan", "buy"), ("Bayliner", "trade-in"),
            }));
            Assert.That(lead.Vehicle!.Make, Is.EqualTo("Boston Whaler"));
            Assert.That(lead.Vehicles![3].Odometer, Is.EqualTo(410));
        });
    }

    [Test]
    public void Repair_never_expands_an_entity_it_was_not_given()
    {
        var text = AdfRepair.Repair("<adf><prospect><customer><comments>&xxe; &amp; &#65;</comments></customer></prospect></adf>"u8.ToArray());
        Assert.That(text, Does.Contain("&amp;xxe; &amp; &#65;"));
    }
}
