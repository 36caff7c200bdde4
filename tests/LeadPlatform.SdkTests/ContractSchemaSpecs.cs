using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using LeadPlatform.Contracts;
using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

/// <summary>
/// Published contracts change only additively within a major version: each contract's JSON Schema now (the
/// hand-written ones in contracts/schemas, and the schema of every record in LeadPlatform.Contracts as
/// System.Text.Json writes it) is compared with the snapshot published for the SDK's major version,
/// contracts/schemas/published/v{major}/.
/// </summary>
public partial class ContractSchemaSpecs
{
    private static readonly string Schemas = Path.Combine(RepoPaths.Root, "contracts", "schemas");
    /// <summary>The messages as the bus writes them: camelCase, numbers as numbers.</summary>
    private static readonly JsonSerializerOptions Wire = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static string Published
    {
        get
        {
            var version = SdkVersion().Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "version.props"))).Groups[1].Value;
            return Path.Combine(Schemas, "published", $"v{version.Split('.')[0]}");
        }
    }

    public static IEnumerable<string> PublishedSchemaFiles() =>
        Directory.EnumerateFiles(Published, "*.schema.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static IEnumerable<string> PublishedMessages() =>
        Directory.EnumerateFiles(Directory.CreateDirectory(Path.Combine(Published, "messages")).FullName, "*.json")
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(PublishedSchemaFiles))]
    public void A_hand_written_schema_changes_only_additively(string file)
    {
        var current = Path.Combine(Schemas, file);
        Assert.That(File.Exists(current), Is.True, $"contracts/schemas/{file} was published and must stay (a breaking change is a new type)");

        var breaks = SchemaCompatibility.BreakingChanges(Read(Path.Combine(Published, file)), Read(current));

        Assert.That(breaks, Is.Empty, $"contracts/schemas/{file} breaks its published schema");
    }

    [TestCaseSource(nameof(PublishedMessages))]
    public void A_contract_record_changes_only_additively(string typeName)
    {
        var type = typeof(LeadConverted).Assembly.GetType($"LeadPlatform.Contracts.{typeName}");
        Assert.That(type, Is.Not.Null, $"LeadPlatform.Contracts.{typeName} was published and must stay (a breaking change is a new type)");

        var breaks = SchemaCompatibility.BreakingChanges(Read(Path.Combine(Published, "messages", typeName + ".json")), SchemaOf(type!));

        Assert.That(breaks, Is.Empty, $"LeadPlatform.Contracts.{typeName} breaks its published schema");
    }

    /// <summary>
    /// Every public contract has a published snapshot. At a release, <c>LP_SNAPSHOT_CONTRACTS=1</c> writes the
    /// missing ones (new types); a published snapshot is never rewritten.
    /// </summary>
    [Test]
    public void Every_contract_record_has_a_published_schema()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Published, "messages")).FullName;
        var contracts = typeof(LeadConverted).Assembly.GetExportedTypes().Where(t => t.Namespace == "LeadPlatform.Contracts" && !t.IsAbstract);
        var missing = contracts.Where(t => !File.Exists(Path.Combine(folder, t.Name + ".json"))).ToList();
        if (Environment.GetEnvironmentVariable("LP_SNAPSHOT_CONTRACTS") == "1")
        {
            foreach (var type in missing)
            {
                File.WriteAllText(Path.Combine(folder, type.Name + ".json"), SchemaOf(type).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            }
            missing.Clear();
        }

        Assert.That(missing.Select(t => t.Name), Is.Empty,
            "contracts without a published schema snapshot: run LP_SNAPSHOT_CONTRACTS=1 dotnet test tests/LeadPlatform.SdkTests --filter ContractSchemaSpecs and commit");
    }

    [Test]
    public void A_breaking_change_is_named()
    {
        var published = JsonNode.Parse("""
            { "type": "object", "required": ["a"], "properties": {
              "a": { "type": "string" }, "b": { "type": ["string", "null"] }, "c": { "enum": ["x", "y"] } } }
            """)!;
        var current = JsonNode.Parse("""
            { "type": "object", "required": ["a", "d"], "properties": {
              "a": { "type": "integer" }, "c": { "enum": ["x"] }, "d": { "type": "string" }, "e": { "type": "string" } } }
            """)!;

        Assert.That(SchemaCompatibility.BreakingChanges(published, current), Is.EquivalentTo(new[]
        {
            "#/properties/a: type changed from string to integer",
            "#: property 'b' removed",
            "#/properties/c: enum value y removed",
            "#: property 'd' newly required",
        }));
        Assert.That(SchemaCompatibility.BreakingChanges(published, published), Is.Empty);
    }

    private static JsonNode SchemaOf(Type type) => JsonSchemaExporter.GetJsonSchemaAsNode(Wire, type);

    private static JsonNode Read(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    [GeneratedRegex("<LeadPlatformSdkVersion>(.*)</LeadPlatformSdkVersion>")]
    private static partial Regex SdkVersion();
}
