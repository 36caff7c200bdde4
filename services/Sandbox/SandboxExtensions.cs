namespace LeadPlatform.Sandbox;

public static class SandboxExtensions
{
    public static IHostApplicationBuilder AddSandbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SandboxStore>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddBodyFraming();
        builder.AddDispositionFeed();
        builder.AddMailSink();
        return builder;
    }

    /// <summary>The inspection and fault API, and each CRM's stand-in API.</summary>
    public static WebApplication MapSandbox(this WebApplication app)
    {
        app.UseBodyFraming();
        app.MapInspectionApi();
        app.MapEnquireApi();
        app.MapAlisApi();
        app.MapDispositionFeed();
        app.MapSalesforceApi();
        app.MapSalesforceOutboundSender();
        app.MapHubSpotApi();
        app.MapHubSpotWebhookSender();
        app.MapHubSpotCrmSearchApi();
        app.MapAdfApi();
        app.MapDealerCrm();
        app.MapMailApi();
        return app;
    }
}
