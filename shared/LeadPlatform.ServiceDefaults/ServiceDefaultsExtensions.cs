using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Scalar.AspNetCore;

namespace LeadPlatform.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    /// <summary>Telemetry, health checks, problem+json and OpenAPI: what every LeadPlatform service has.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddLeadPlatformTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddProblemDetails();
        // A value the framework cannot bind throws, so BadRequestHandler answers with a problem naming the parameter.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>().AddOperationTransformer<OpenApiQuery>());
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> (the process answers), <c>/health/ready</c> (its dependencies answer), <c>/openapi/v1.json</c>,
    /// <c>/metrics</c> (Prometheus text).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthJson.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthJson.WriteAsync });
        app.MapOpenApi();
        // The reference UI at /docs: Scalar's script is served from the package (no CDN), fonts off (they come from one).
        app.MapScalarApiReference("/docs", o => o.DefaultFonts = false);
        app.MapPrometheusScrapingEndpoint(LeadPlatformTelemetry.MetricsPath);
        return app;
    }

    internal static IHealthChecksBuilder AddReadyCheck<T>(this IServiceCollection services, string name) where T : class, IHealthCheck =>
        services.AddHealthChecks().AddCheck<T>(name, HealthStatus.Unhealthy, [ReadyTag]);
}
