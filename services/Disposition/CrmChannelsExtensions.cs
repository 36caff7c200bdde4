using LeadPlatform.Disposition.CrmPolling;
using LeadPlatform.Disposition.HubSpot;
using LeadPlatform.Disposition.Salesforce;

namespace LeadPlatform.Disposition;

/// <summary>Each shipped CRM's own disposition channels: HubSpot webhooks, Salesforce outbound messages, API polling.</summary>
public static class CrmChannelsExtensions
{
    public static IHostApplicationBuilder AddCrmChannels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DispositionIntake>();
        builder.Services.AddSingleton<HubSpotChangeSource>(); // also reads the deals a HubSpot webhook names
        builder.Services.AddSingleton<ICrmChangeSource>(sp => sp.GetRequiredService<HubSpotChangeSource>());
        builder.Services.AddSingleton<ICrmChangeSource, SalesforceChangeSource>();
        builder.Services.AddSingleton<ICrmChangeSource, Dealer.DealerFeedSource>();
        return builder;
    }

    public static WebApplication MapCrmChannels(this WebApplication app)
    {
        app.MapHubSpotWebhook();
        app.MapSalesforceOutboundMessages();
        Dealer.DealerPushEndpoint.MapDealerPush(app);
        return app;
    }
}
