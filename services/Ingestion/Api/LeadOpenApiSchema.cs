using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Api;

/// <summary>
/// The OpenAPI document's <c>Lead</c> is contracts/schemas/lead.schema.json (embedded at build), the description
/// broker publishers read and LeadValidator is held to (LeadCorpusSpecs), not one generated from the .NET record.
/// </summary>
public static class LeadOpenApiSchema
{
    public const string Resource = "LeadPlatform.Ingestion.lead.schema.json";

    public static Stream Open() => typeof(LeadOpenApiSchema).Assembly.GetManifestResourceStream(Resource)
        ?? throw new InvalidOperationException($"{Resource} is not embedded");

    public static IHostApplicationBuilder AddPublishedLeadSchema(this IHostApplicationBuilder builder) =>
        builder.AddPublishedSchema<Lead>(Open);
}
