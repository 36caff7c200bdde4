using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Connectors.Alis;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Connectors.HubSpot;
using LeadPlatform.Connectors.Salesforce;
using LeadPlatform.Contracts;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Notifications;

namespace LeadPlatform.UnitTests.Integrations;

/// <summary>Each CRM's settings schema: complete against what the connectors read, and refusing what they can't.</summary>
public class SettingsSchemaSpecs
{
    // What each CRM's connector reads from settings, plus what disposition and notifications read from any integration.
    private static readonly Dictionary<string, Type> SettingsOf = new()
    {
        ["enquire"] = typeof(EnquireSettings),
        ["alis"] = typeof(AlisSettings),
        ["salesforce"] = typeof(SalesforceSettings),
        ["hubspot"] = typeof(HubSpotSettings),
        ["adf"] = typeof(AdfSettings),
    };

    private static readonly Type[] ReadForEveryCrm = [typeof(PollSettings), typeof(NotificationSettings)];
    private static readonly string[] ReadForEveryCrmByName = ["schedule", "statusMap", "activityMap", "shareOpportunities"];

    public static IEnumerable<string> Crms => CrmCapabilities.KnownCrms;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [TestCaseSource(nameof(Crms))]
    public void Every_CRM_publishes_a_schema_using_only_the_checked_keywords(string crm)
    {
        var schema = SettingsSchemas.For(crm);
        Assert.That(schema, Is.Not.Null, crm);
        Assert.That(KeywordsIn(schema!).Distinct(), Is.SubsetOf(SettingsSchemas.Keywords));
    }

    [TestCaseSource(nameof(Crms))]
    public void Every_setting_a_connector_reads_is_in_its_CRMs_schema(string crm)
    {
        var schema = SettingsSchemas.For(crm)!;
        var read = SettingsOf[crm].GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Concat(ReadForEveryCrm.SelectMany(t => t.GetProperties().Where(p => p.CanWrite)).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)))
            .Concat(ReadForEveryCrmByName);
        Assert.That(schema["properties"]!.AsObject().Select(p => p.Key), Is.SupersetOf(read));
    }

    [TestCaseSource(nameof(Crms))]
    public void Every_CRMs_defaults_pass_its_own_schema(string crm)
    {
        var defaults = JsonSerializer.SerializeToElement(Activator.CreateInstance(SettingsOf[crm]), PlatformJson.Options);
        Assert.That(SettingsSchemas.Validate(crm, defaults), Is.Empty);
    }

    [TestCaseSource(nameof(Crms))]
    public void An_unknown_field_and_a_wrong_type_are_refused_naming_the_field(string crm)
    {
        var errors = SettingsSchemas.Validate(crm, Json("""{ "relationshipTypez": ["Child"], "pollIntervalSeconds": "often", "statusMap": { "Hot": 1 } }"""));
        Assert.Multiple(() =>
        {
            Assert.That(errors.Keys, Does.Contain("settings.relationshipTypez"));
            Assert.That(errors["settings.pollIntervalSeconds"].Single(), Is.EqualTo("must be an integer, not a string"));
            Assert.That(errors.Keys, Does.Contain("settings.statusMap.Hot"));
        });
    }

    [Test]
    public void A_relationship_list_given_as_a_string_names_settings_relationshipTypes()
    {
        var errors = SettingsSchemas.Validate("enquire", Json("""{ "relationshipTypes": "Child, Spouse", "relationshipFallback": "Other" }"""));
        Assert.That(errors.Keys, Is.EqualTo(new[] { "settings.relationshipTypes" }));
        Assert.That(SettingsSchemas.Validate("alis", Json("""{ "relationshipTypes": ["Son", 3] }""")).Keys, Is.EqualTo(new[] { "settings.relationshipTypes[1]" }));
    }

    [Test]
    public void Nested_settings_are_checked_too_and_names_and_enum_values_ignore_case()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SettingsSchemas.Validate("salesforce", Json("""{ "UsageProfile": { "recordAs": "Contact", "fieldUpdates": "all" } }""")).Keys,
                Is.EqualTo(new[] { "settings.UsageProfile.fieldUpdates" }));
            Assert.That(SettingsSchemas.Validate("adf", Json("""{ "email": { "host": "smtp", "port": 70000, "cc": "x" } }""")).Keys,
                Is.EquivalentTo(new[] { "settings.email.port", "settings.email.cc" }));
            Assert.That(SettingsSchemas.Validate("hubspot", Json("""{ "schedule": { "mode": "daily", "at": "02:00" }, "maxRequestsPerSecond": 2 }""")), Is.Empty);
        });
    }

    [Test]
    public void The_demo_integrations_files_pass()
    {
        var infra = RepoDirectory("infra");
        var files = Directory.GetFiles(infra, "integrations*.json", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var file in files)
            {
                foreach (var integration in JsonNode.Parse(File.ReadAllText(file))!["integrations"]!.AsArray())
                {
                    var settings = integration!["settings"] is { } s ? JsonSerializer.SerializeToElement(s) : default;
                    Assert.That(SettingsSchemas.Validate(integration["crm"]!.GetValue<string>(), settings), Is.Empty, $"{file}: {integration["id"]}");
                }
            }
        });
    }

    private static string RepoDirectory(string name)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, name)) && File.Exists(Path.Combine(dir.FullName, "LeadPlatform.sln")))
            {
                return Path.Combine(dir.FullName, name);
            }
        }
        throw new DirectoryNotFoundException($"no {name} directory above the test directory");
    }

    private static IEnumerable<string> KeywordsIn(JsonObject schema)
    {
        foreach (var (key, value) in schema)
        {
            yield return key;
            var children = key switch
            {
                "properties" => value!.AsObject().Select(p => p.Value as JsonObject),
                "additionalProperties" or "items" => [value as JsonObject],
                _ => [],
            };
            foreach (var child in children.OfType<JsonObject>().SelectMany(KeywordsIn))
            {
                yield return child;
            }
        }
    }
}
