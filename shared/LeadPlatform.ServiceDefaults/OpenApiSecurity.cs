using Microsoft.AspNetCore.Mvc;
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
    public const string WebhookSignature = "WebhookSignature";

    /// <summary>Route prefixes and the schemes that open them (any one of them); none: public, said so explicitly.</summary>
    private static readonly (string Prefix, string[] Schemes)[] Rules =
    [
        ("/v1/leads", [ApiKey, AdminKey]),
        ("/v1/webhooks", [ApiKey, AdminKey]),
        ("/v1/integrations", [AdminKey]),
        ("/v1/dealer-providers", [AdminKey]),
        ("/v1/source-keys", [AdminKey]),
        ("/v1/program-rules", [AdminKey]),
        ("/v1/admin", [AdminKey]),
        ("/v1/erasures", [AdminKey]),
        ("/v1/notifications", [AdminKey]),
        ("/v1/crms", []),
        ("/v1/dispositions/unmapped", [AdminKey]),
        ("/v1/dispositions", [WebhookSignature]),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKey] = Header("X-Api-Key", "The API key of an upstream source; it acts for that source's accounts only.");
        document.Components.SecuritySchemes[AdminKey] = Header("X-Admin-Key", "An operator's admin key.");
        document.Components.SecuritySchemes[WebhookSignature] = Header("X-LeadPlatform-Signature",
            "A CRM's signature of the body with the integration's webhook secret (with X-LeadPlatform-Timestamp); HubSpot signs "
            + "with X-HubSpot-Signature-v3, Salesforce Outbound Messaging carries the secret in the path. See docs/disposition.md.");
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
                    else
                    {
                        // The route's filter answers these: no or a wrong key; a key whose role or source may not do this.
                        KeyProblem(document, operation, "401", "No key, or not a valid one.");
                        KeyProblem(document, operation, "403", "The key's role, source or account may not do this.");
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

    private static void KeyProblem(OpenApiDocument document, OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey(status))
        {
            return;
        }
        document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(nameof(ProblemDetails), new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 7807 problem details; field errors in `errors`, keyed by the JSON field name.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
        });
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), document) },
            },
        };
    }

    private static OpenApiSecurityScheme Header(string name, string description) =>
        new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };
}
