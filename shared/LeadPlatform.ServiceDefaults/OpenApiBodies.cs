using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// What an endpoint takes and answers, for its OpenAPI operation. <see cref="DocumentsBody"/> documents a request body without <c>Accepts</c> metadata: that would make routing answer a wrong content
/// type with a bare 415 before the handler can say which field is wrong.
/// </summary>
public static class OpenApiBodies
{
    public static RouteHandlerBuilder DocumentsBody(this RouteHandlerBuilder builder, Type? schemaType, params string[] contentTypes) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var published = context.ApplicationServices.GetServices<OpenApiPublishedSchema>().FirstOrDefault(p => p.Type == schemaType);
            IOpenApiSchema schema = schemaType is null
                ? new OpenApiSchema { Type = JsonSchemaType.String }
                : published is not null && context.Document is { } document
                    ? new OpenApiSchemaReference(published.Component, document)
                    : await context.GetOrCreateSchemaAsync(schemaType, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = contentTypes.ToDictionary(c => c, _ => new OpenApiMediaType { Schema = schema }),
            };
        });

    /// <summary>
    /// The problem responses an endpoint answers, each as <c>application/problem+json</c>. 401 and 403 of keyed routes
    /// come with the route's key (<see cref="OpenApiSecurity"/>); list the others (400, 404, 409, 413, 422, 429...).
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statusCodes) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statusCodes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }
        return builder;
    }
}
