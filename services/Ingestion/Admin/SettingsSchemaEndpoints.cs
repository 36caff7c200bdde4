using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Admin;

/// <summary><c>GET /v1/crms/{crm}/settings-schema</c>: the JSON Schema an integration's settings are checked against.</summary>
public static class SettingsSchemaEndpoints
{
    public static void MapSettingsSchemas(this WebApplication app) =>
        app.MapGet("/v1/crms/{crm}/settings-schema", (string crm) =>
                SettingsSchemas.For(crm) is { } schema
                    ? Results.Json(schema, contentType: "application/schema+json")
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown CRM",
                        detail: $"crm must be one of {string.Join(", ", CrmCapabilities.KnownCrms)}"))
            .WithName("GetCrmSettingsSchema")
            .Produces<IReadOnlyDictionary<string, System.Text.Json.JsonElement>>(StatusCodes.Status200OK, "application/schema+json")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithTags("Integrations");
}
