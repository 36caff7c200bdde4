using System.ComponentModel;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// What a query parameter holds when the handler reads it as text to refuse a bad value with a problem naming it
/// (a <c>limit</c> of "abc" is a 400 on <c>limit</c>, not a binding failure): its JSON Schema type and format for the
/// OpenAPI document. Put it, with <see cref="DescriptionAttribute"/>, on the properties of an <c>[AsParameters]</c> record.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class QueryValueAttribute(string type, string? format = null) : Attribute
{
    public string Type { get; } = type;
    public string? Format { get; } = format;
    public long Minimum { get; init; } = long.MinValue;
    public long Maximum { get; init; } = long.MaxValue;
    /// <summary>The handler refuses the request without it (a 400 naming it).</summary>
    public bool Required { get; init; }
}

/// <summary>Gives each query parameter of an operation the description and type its binding declares.</summary>
public sealed class OpenApiQuery : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var described in context.Description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query))
        {
            var attributes = described.ParameterDescriptor is IParameterInfoParameterDescriptor { ParameterInfo: { } info }
                ? info.GetCustomAttributes(true).OfType<Attribute>().ToList()
                : [];
            var parameter = operation.Parameters?.OfType<OpenApiParameter>()
                .FirstOrDefault(p => p.In == ParameterLocation.Query && string.Equals(p.Name, described.Name, StringComparison.OrdinalIgnoreCase));
            if (parameter is null)
            {
                continue;
            }
            if (attributes.OfType<DescriptionAttribute>().FirstOrDefault() is { } description)
            {
                parameter.Description = description.Description;
            }
            if (attributes.OfType<QueryValueAttribute>().FirstOrDefault() is { } value)
            {
                parameter.Required = value.Required;
                parameter.Schema = new OpenApiSchema
                {
                    Type = value.Type switch
                    {
                        "integer" => JsonSchemaType.Integer,
                        "number" => JsonSchemaType.Number,
                        "boolean" => JsonSchemaType.Boolean,
                        _ => JsonSchemaType.String,
                    },
                    Format = value.Format,
                    Minimum = value.Minimum == long.MinValue ? null : value.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Maximum = value.Maximum == long.MaxValue ? null : value.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }
        return Task.CompletedTask;
    }
}
