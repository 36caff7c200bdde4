using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Declares the platform's key headers in every OpenAPI document: the <c>X-Api-Key</c> (a source) and
/// <c>X-Admin-Key</c> (an operator) security schemes, which operations need which (by route prefix, the same groups
/// the endpoint filters guard), and the optional <c>Idempotency-Key</c> header of lead submission.
/// </summary>
public sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public const string ApiKey = "ApiKey";
    public const string AdminKey = "AdminKey";

    /// <summary>Route prefixes and the schemes that open them (any one of them); none: public, said so explicitly.</summary>
    private static readonly (string Prefix, string[] Schemes)[] Rules =
    [
        ("/v1/leads", [ApiKey, AdminKey]),
        ("/v1/webhooks", [ApiKey, AdminKey]),
        ("/v1/integrations", [AdminKey]),
        ("/v1/source-keys", [AdminKey]),
        ("/v1/program-rules", [AdminKey]),
        ("/v1/admin", [AdminKey]),
        ("/v1/erasures", [AdminKey]),
        ("/v1/crms", []),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKey] = Header("X-Api-Key", "The API key of an upstream source; it acts for that source's accounts only.");
        document.Components.SecuritySchemes[AdminKey] = Header("X-Admin-Key", "An operator's admin key.");
        foreach (var (path, item) in document.Paths)
        {
            var rule = Rules.FirstOrDefault(r => path.StartsWith(r.Prefix, StringComparison.Ordinal));
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (rule.Schemes is { } schemes)
                {
                    operation.Security ??= [];
                    foreach (var scheme in schemes)
                    {
                        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
                    }
                    if (schemes.Length == 0)
                    {
                        operation.Security.Add(new OpenApiSecurityRequirement()); // {}: no key needed
                    }
                }
                if (method == HttpMethod.Post && path is "/v1/leads" or "/v1/leads/adf")
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = "Idempotency-Key",
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "Repeating a request with the same key and body answers the first answer; with another body, 409.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
            }
        }
        return Task.CompletedTask;
    }

    private static OpenApiSecurityScheme Header(string name, string description) =>
        new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };
}
