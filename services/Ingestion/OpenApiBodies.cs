using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LeadPlatform.Ingestion;

/// <summary>
/// Documents a request body without <c>Accepts</c> metadata: that would make routing answer a wrong content
/// type with a bare 415 before the handler can say which field is wrong.
/// </summary>
public static class OpenApiBodies
{
    public static RouteHandlerBuilder DocumentsBody(this RouteHandlerBuilder builder, Type? schemaType, params string[] contentTypes) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = schemaType is null
                ? new OpenApiSchema { Type = JsonSchemaType.String }
                : await context.GetOrCreateSchemaAsync(schemaType, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = contentTypes.ToDictionary(c => c, _ => new OpenApiMediaType { Schema = schema }),
            };
        });
}
