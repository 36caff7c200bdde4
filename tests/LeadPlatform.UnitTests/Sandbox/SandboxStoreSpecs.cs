using System.Text.Json.Nodes;
using LeadPlatform.Sandbox;

namespace LeadPlatform.UnitTests.Sandbox;

/// <summary>
/// The stand-in CRMs' memory: a record keeps its fields as given, and a look-up by a field finds every record with
/// that value, whether it was stored before the field's first look-up or after.
/// </summary>
public class SandboxStoreSpecs
{
    [Test]
    public void A_record_keeps_its_fields_and_the_changes_made_to_them()
    {
        var store = new SandboxStore();
        var created = store.Create("hubspot", "contact", "", new JsonObject
        {
            ["email"] = "ann@example.com",
            ["score"] = 7,
            ["address"] = new JsonObject { ["city"] = "Denver" },
        });

        created.Fields["hs_object_id"] = created.Id;
        var found = store.Find("hubspot", created.Id)!;

        Assert.That(found.Fields.ToJsonString(), Is.EqualTo(
            $$"""{"email":"ann@example.com","score":7,"address":{"city":"Denver"},"hs_object_id":"{{created.Id}}"}"""));
    }

    [Test]
    public void A_look_up_finds_records_stored_before_and_after_its_field_was_first_asked_for()
    {
        var store = new SandboxStore();
        var before = store.Create("enquire", "individual", "ENQ-I", new JsonObject { ["email"] = "Ann@Example.com", ["phone"] = "(555) 010-0100" });
        store.Create("enquire", "report", "ENQ-R", new JsonObject { ["email"] = "ann@example.com" });

        Assert.That(Ids(store.Matching("enquire", "individual", "email", "ann@example.COM")), Is.EqualTo(new[] { before.Id }));

        var after = store.Create("enquire", "individual", "ENQ-I", new JsonObject { ["email"] = "ann@example.com" });
        store.Create("alis", "individual", "ALIS-", new JsonObject { ["email"] = "ann@example.com" });

        Assert.That(Ids(store.Matching("enquire", "individual", "email", "ann@example.com")), Is.EqualTo(new[] { before.Id, after.Id }));
        Assert.That(Ids(store.Matching("enquire", "individual", "phone", "555-010-0100")), Is.EqualTo(new[] { before.Id }));
        Assert.That(store.Matching("enquire", "individual", "lastName", "ann@example.com"), Is.Empty);
    }

    [Test]
    public void An_update_moves_a_record_to_its_new_value()
    {
        var store = new SandboxStore();
        var record = store.Create("salesforce", "lead", "00Q", new JsonObject { ["Email"] = "old@example.com" });
        Assert.That(Ids(store.Matching("salesforce", "lead", "Email", "old@example.com")), Is.EqualTo(new[] { record.Id }));

        store.Update(record, new JsonObject { ["Email"] = "new@example.com" });

        Assert.That(store.Matching("salesforce", "lead", "Email", "old@example.com"), Is.Empty);
        Assert.That(Ids(store.Matching("salesforce", "lead", "Email", "new@example.com")), Is.EqualTo(new[] { record.Id }));
        Assert.That(record.Version, Is.EqualTo(2));
    }

    [Test]
    public void A_record_is_found_by_its_crm_and_id_and_each_view_of_it_sees_the_same_record()
    {
        var store = new SandboxStore();
        var first = store.Create("enquire", "individual", "ENQ-I", new JsonObject { ["lastName"] = "Lee" });
        var second = store.Create("enquire", "individual", "ENQ-I", new JsonObject { ["lastName"] = "Kim" });

        store.Update(store.Find("enquire", first.Id)!, new JsonObject { ["lastName"] = "Park" });

        Assert.That(first.Id, Is.Not.EqualTo(second.Id));
        Assert.That(store.Find("alis", first.Id), Is.Null);
        Assert.That(store.Find("enquire", first.Id + "0"), Is.Null);
        Assert.That(first.Version, Is.EqualTo(2));
        Assert.That(first.Text("lastName"), Is.EqualTo("Park"));
        Assert.That(store.Find("enquire", second.Id)!.Text("lastName"), Is.EqualTo("Kim"));
        Assert.That(store.All("enquire", "individual").Select(r => r.Id), Is.EqualTo(new[] { first.Id, second.Id }));
    }

    [Test]
    public void A_cleared_store_forgets_its_records_and_is_not_changed_by_old_ones()
    {
        var store = new SandboxStore();
        var old = store.Create("salesforce", "lead", "00Q", new JsonObject { ["Email"] = "ann@example.com" });
        store.Clear();
        var fresh = store.Create("salesforce", "lead", "00Q", new JsonObject { ["Email"] = "bob@example.com" });
        Assert.That(Ids(store.Matching("salesforce", "lead", "Email", "ann@example.com")), Is.Empty);

        store.Update(old, new JsonObject { ["Email"] = "bob@example.com" });

        Assert.That(store.Find("salesforce", old.Id), Is.Null);
        Assert.That(Ids(store.Matching("salesforce", "lead", "Email", "bob@example.com")), Is.EqualTo(new[] { fresh.Id }));
        Assert.That(fresh.Version, Is.EqualTo(1));
    }

    private static string[] Ids(IEnumerable<SandboxRecord> records) => records.Select(r => r.Id).ToArray();
}
