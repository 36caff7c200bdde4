using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Makes a component schema of the OpenAPI document the published JSON Schema of that contract (the file non-.NET
/// publishers read), instead of what the generator guesses from the .NET type: one description, with its limits,
/// formats, patterns and required fields. The schema's <c>$defs</c> become components named
/// <c>&lt;component&gt;&lt;Def&gt;</c> (LeadPerson), its <c>$id</c> and <c>$schema</c> are dropped (an OpenAPI 3.1
/// document is JSON Schema 2020-12 already, and an <c>$id</c> would re-base the references). A body documented with
/// <see cref="OpenApiBodies.DocumentsBody"/> of that type refers to the component.
/// </summary>
public sealed class OpenApiPublishedSchema(Type type, Func<Stream> open) : IOpenApiDocumentTransformer
{
    private const string Defs = "#/$defs/";
    private readonly string component = type.Name;

    public Type Type => type;
    public string Component => component;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        using var stream = open();
        var root = JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidOperationException($"The schema of {component} is empty");
        root.Remove("$schema");
        root.Remove("$id");
        var defs = root["$defs"]?.AsObject();
        root.Remove("$defs");
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, def) in defs?.ToList() ?? [])
        {
            document.Components.Schemas[DefName(name)] = Parse(def!.DeepClone(), document);
        }
        document.Components.Schemas[component] = Parse(root, document);
        return Task.CompletedTask;
    }

    private string DefName(string def) => component + char.ToUpperInvariant(def[0]) + def[1..];

    private OpenApiSchema Parse(JsonNode schema, OpenApiDocument document)
    {
        Rebase(schema);
        var parsed = OpenApiModelFactory.Parse<OpenApiSchema>(schema.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document,
            out var diagnostic, "json");
        return parsed is not null && diagnostic.Errors.Count == 0
            ? parsed
            : throw new InvalidOperationException($"The published schema of {component} is not an OpenAPI schema: "
                + string.Join("; ", diagnostic.Errors.Select(e => e.Message)));
    }

    /// <summary>Points <c>#/$defs/x</c> references at the components the definitions become.</summary>
    private void Rebase(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue r && r.GetValue<string>() is { } target && target.StartsWith(Defs, StringComparison.Ordinal))
                {
                    o["$ref"] = $"#/components/schemas/{DefName(target[Defs.Length..])}";
                }
                foreach (var (_, child) in o.ToList())
                {
                    Rebase(child);
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Rebase(child);
                }
                break;
        }
    }
}

public static class OpenApiPublishedSchemas
{
    /// <summary>Documents <typeparamref name="T"/> by its published JSON Schema (see <see cref="OpenApiPublishedSchema"/>).</summary>
    public static IHostApplicationBuilder AddPublishedSchema<T>(this IHostApplicationBuilder builder, Func<Stream> open)
    {
        var published = new OpenApiPublishedSchema(typeof(T), open);
        builder.Services.AddSingleton(published);
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer(published));
        return builder;
    }
}
