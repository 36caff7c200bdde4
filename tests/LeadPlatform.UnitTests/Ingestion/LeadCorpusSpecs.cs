using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;
using LeadPlatform.Testing;

namespace LeadPlatform.UnitTests.Ingestion;

/// <summary>
/// One description of a lead: every lead of <c>LeadCorpus/</c> (named <c>accepted-*</c> or <c>refused-*</c>) gets that
/// verdict from the JSON Schema that non-.NET publishers read (contracts/schemas/lead.schema.json, formats asserted)
/// from the request body schema of <c>POST /v1/leads</c> in ingestion's OpenAPI document (generated in-process, as
/// <c>/openapi/v1.json</c> serves it, evaluated by the same JSON Schema library)
/// and from ingestion's own reading (System.Text.Json into <see cref="Lead"/>, then <see cref="LeadValidator"/>), and a
/// refusal names its fields in JSON terms, never a .NET type. Verdicts a schema cannot give (an account nobody
/// configured, a time ahead of the clock, control characters) are covered by LeadValidator's and LeadText's own specs.
/// </summary>
public partial class LeadCorpusSpecs
{
    private static readonly string CorpusDir = Path.Combine(RepoPaths.Root, "tests", "LeadPlatform.UnitTests", "Ingestion", "LeadCorpus");

    public static IEnumerable<TestCaseData> Corpus() =>
        Directory.GetFiles(CorpusDir, "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileNameWithoutExtension(f)).SetArgDisplayNames(Path.GetFileNameWithoutExtension(f)));

    [Test]
    public void The_corpus_has_at_least_40_leads_of_both_verdicts()
    {
        var names = Corpus().Select(c => (string)c.Arguments[0]!).ToList();
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(names.Count(n => n.StartsWith("accepted-", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(15));
        Assert.That(names.Count(n => n.StartsWith("refused-", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(15));
        Assert.That(names.Where(n => !n.StartsWith("accepted-", StringComparison.Ordinal) && !n.StartsWith("refused-", StringComparison.Ordinal)), Is.Empty);
    }

    [TestCaseSource(nameof(Corpus))]
    public async Task The_json_schema_the_openapi_schema_and_the_validator_give_the_lead_its_verdict(string name)
    {
        var text = File.ReadAllText(Path.Combine(CorpusDir, name + ".json"));
        var accepted = name.StartsWith("accepted-", StringComparison.Ordinal);

        var schema = SchemaVerdict(LeadSchema.Value, text);
        var openApi = SchemaVerdict(await OpenApiLeadSchema.Value, text);
        var errors = ValidatorErrors(text);

        Assert.Multiple(() =>
        {
            Assert.That(schema.Valid, Is.EqualTo(accepted), $"JSON Schema says {(schema.Valid ? "valid" : "invalid")}: {schema.Why}");
            Assert.That(openApi.Valid, Is.EqualTo(accepted), $"OpenAPI schema says {(openApi.Valid ? "valid" : "invalid")}: {openApi.Why}");
            Assert.That(errors.Count == 0, Is.EqualTo(accepted), $"validator: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        });
        foreach (var (field, messages) in errors)
        {
            Assert.That(JsonField().IsMatch(field), Is.True, $"'{field}' is a JSON field path");
            Assert.That(messages.Where(m => m.Contains("System.", StringComparison.Ordinal) || m.Contains("LeadPlatform.", StringComparison.Ordinal)),
                Is.Empty, $"{field}: messages name no .NET type");
        }
    }

    private static readonly Lazy<JsonSchema> LeadSchema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoPaths.Root, "contracts", "schemas", "lead.schema.json"))));

    /// <summary>
    /// The request body schema of POST /v1/leads in the ingestion service's generated OpenAPI document, made a standalone
    /// 2020-12 schema as a client generator reads it: the document's components become <c>$defs</c> and its
    /// <c>#/components/schemas/X</c> references <c>#/$defs/X</c>; nothing else changes.
    /// </summary>
    private static readonly Lazy<Task<JsonSchema>> OpenApiLeadSchema = new(async () =>
    {
        var document = JsonNode.Parse((await LeadPlatform.UnitTests.ServiceDefaults.OpenApiCompletenessSpecs.DocumentAsync(
            "ingestion", b => b.AddIngestion(), a => a.MapIngestion())).GetRawText())!;
        var body = document["paths"]!["/v1/leads"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.DeepClone().AsObject();
        body["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        body["$defs"] = document["components"]!["schemas"]!.DeepClone();
        return JsonSchema.FromText(body.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal));
    });

    private static (bool Valid, string Why) SchemaVerdict(JsonSchema schema, string text)
    {
        var result = schema.Evaluate(JsonNode.Parse(text),
            new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        var why = string.Join("; ", result.Details.Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
        return (result.IsValid, why);
    }

    /// <summary>What POST /v1/leads does with the body before anything is stored: read it as a Lead, then validate.</summary>
    private static Dictionary<string, string[]> ValidatorErrors(string text)
    {
        Lead? lead;
        try
        {
            lead = JsonSerializer.Deserialize<Lead>(text, LeadPlatform.Contracts.PlatformJson.Options);
        }
        catch (JsonException ex)
        {
            var (field, message) = JsonErrors.Describe(ex);
            return new() { [field] = [message] };
        }
        return lead is null ? new() { ["body"] = ["must be a JSON object"] } : LeadValidator.Validate(lead);
    }

    [GeneratedRegex(@"^(body|[a-z][A-Za-z0-9]*(\[\d+\])?(\.[A-Za-z0-9-]+(\[\d+\])?)*)$")]
    private static partial Regex JsonField();
}
