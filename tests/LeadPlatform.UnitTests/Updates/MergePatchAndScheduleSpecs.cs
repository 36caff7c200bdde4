using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;
using LeadPlatform.Integrations;

namespace LeadPlatform.UnitTests.Updates;

public class MergePatchAndScheduleSpecs
{
    [Test]
    public void A_merge_patch_merges_objects_removes_nulls_and_replaces_the_rest()
    {
        var target = JsonNode.Parse("""{ "a": { "b": 1, "c": 2 }, "d": [1, 2], "e": "x" }""");
        var patched = LeadUpdates.MergePatch(target, JsonNode.Parse("""{ "a": { "c": null, "f": 3 }, "d": [3], "g": true }"""));

        Assert.That(JsonNode.DeepEquals(patched, JsonNode.Parse("""{ "a": { "b": 1, "f": 3 }, "d": [3], "e": "x", "g": true }""")), Is.True,
            patched!.ToJsonString());
    }

    [Test]
    public void Changed_paths_name_the_changed_leaves()
    {
        var before = new Lead
        {
            Source = "s", SourceLeadId = "1", AccountId = "a", Conversion = Lead.SalesOptIn,
            Prospect = new Person { LastName = "Clark", Phone = "555-0100" },
            CustomFields = new Dictionary<string, string> { ["budget"] = "1" },
        };
        var after = before with
        {
            Prospect = before.Prospect with { Phone = "555-0199" },
            CustomFields = new Dictionary<string, string> { ["budget"] = "2", ["new"] = "x" },
        };

        Assert.That(LeadUpdates.ChangedPaths(before, after), Is.EqualTo(new[] { "customFields.budget", "customFields.new", "prospect.phone" }));
    }

    private static JsonElement Settings(string json) => JsonDocument.Parse(json).RootElement;

    [Test]
    public void A_daily_schedule_is_the_next_batch_time_in_its_time_zone()
    {
        Assert.That(DeliverySchedule.TryParse(Settings("""{ "schedule": { "mode": "daily", "at": "02:00", "timeZone": "America/New_York" } }"""),
            out var schedule, out var error), Is.True, error);

        // 2026-11-23 06:00 UTC is 01:00 in New York (EST, UTC-5): the batch is the same day at 02:00 EST = 07:00 UTC.
        Assert.That(schedule!.NextAfter(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)));
        // Just after it, the next day's.
        Assert.That(schedule.NextAfter(new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("""{}""")]
    [TestCase("""{ "schedule": "immediate" }""")]
    [TestCase("""{ "schedule": { "mode": "immediate" } }""")]
    public void Immediate_is_the_default(string settings)
    {
        Assert.That(DeliverySchedule.TryParse(Settings(settings), out var schedule, out var error), Is.False);
        Assert.That(schedule, Is.Null);
        Assert.That(error, Is.Null);
    }

    [TestCase("""{ "schedule": "weekly" }""")]
    [TestCase("""{ "schedule": { "mode": "hourly", "at": "02:00" } }""")]
    [TestCase("""{ "schedule": { "mode": "daily", "at": "25:00" } }""")]
    [TestCase("""{ "schedule": { "mode": "daily", "at": "02:00", "timeZone": "Mars/Olympus" } }""")]
    public void A_schedule_that_is_not_valid_says_why(string settings)
    {
        Assert.That(DeliverySchedule.TryParse(Settings(settings), out _, out var error), Is.False);
        Assert.That(error, Is.Not.Null);
    }
}
