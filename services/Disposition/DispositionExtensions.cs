using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using MassTransit;

namespace LeadPlatform.Disposition;

public static class DispositionExtensions
{
    /// <summary>The push API, the poller, normalization, the timeline and its consumer.</summary>
    public static IHostApplicationBuilder AddDisposition(this IHostApplicationBuilder builder)
    {
        builder.AddAdminKeys();
        builder.AddIntegrationCatalog();
        builder.AddLeadPlatformDatabase("disposition", typeof(DispositionApplier).Assembly);
        builder.Services.AddSingleton<LeadResolver>();
        builder.Services.AddSingleton<PushAuthentication>();
        builder.Services.AddSingleton<DispositionApplier>();
        builder.Services.AddSingleton<TimelineAccess>();
        builder.Services.AddSingleton<PlatformTimeline>();
        builder.Services.AddHttpClient(TimelineAccess.HttpClientName, c =>
        {
            c.BaseAddress = new Uri(builder.Configuration["Disposition:IngestionUrl"] ?? "http://127.0.0.1:5080/");
            c.Timeout = TimeSpan.FromSeconds(5);
        });
        builder.Services.AddSingleton<PollLeases>();
        builder.AddCrmChannels();
        builder.Services.Configure<PollerOptions>(builder.Configuration.GetSection("Disposition:Polling"));
        builder.Services.AddHttpClient(DispositionPoller.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddHostedService<DispositionPoller>();
        builder.AddLeadPlatformBus(x =>
        {
            // Its queue and prefetch are the definition's: a registration's own Endpoint(...) would set its prefetch back to 16.
            x.AddConsumer<LeadTimelineConsumer, LeadTimelineConsumerDefinition>();
            x.AddConsumer<DispositionErasureConsumer>().Endpoint(e => e.Name = "disposition-erasure");
        });
        return builder;
    }

    public static WebApplication MapDisposition(this WebApplication app)
    {
        app.MapPushEndpoints();
        app.MapCrmChannels();
        app.MapQueryEndpoints();
        app.MapMappingEndpoints();
        return app;
    }
}
