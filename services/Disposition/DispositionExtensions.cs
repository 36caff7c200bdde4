using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition;

public static class DispositionExtensions
{
    /// <summary>The push API, the poller, normalization, the timeline and its consumer.</summary>
    public static IHostApplicationBuilder AddDisposition(this IHostApplicationBuilder builder)
    {
        builder.AddIntegrationCatalog();
        builder.AddLeadPlatformDatabase("disposition", typeof(DispositionApplier).Assembly);
        builder.Services.AddSingleton<LeadResolver>();
        builder.Services.AddSingleton<DispositionApplier>();
        builder.AddCrmChannels();
        builder.Services.Configure<PollerOptions>(builder.Configuration.GetSection("Disposition:Polling"));
        builder.Services.AddHttpClient(DispositionPoller.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddHostedService<DispositionPoller>();
        builder.AddLeadPlatformBus(x => x.AddConsumer<LeadTimelineConsumer>(c => c.UseMessageRetry(r => r.Intervals(100, 500, 2000, 5000)))
            .Endpoint(e => e.Name = "disposition-timeline"));
        return builder;
    }

    public static WebApplication MapDisposition(this WebApplication app)
    {
        app.MapPushEndpoints();
        app.MapCrmChannels();
        app.MapQueryEndpoints();
        return app;
    }
}
