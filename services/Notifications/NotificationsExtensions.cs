using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Notifications;

public static class NotificationsExtensions
{
    /// <summary>The lead-notification email: consumers of <c>LeadConverted</c> (the lead) and <c>LeadDelivered</c>, its sent log, and SMTP settings.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection("Notifications"));
        builder.AddIntegrationCatalog();
        builder.AddLeadPlatformDatabase("notifications", typeof(NotificationLog).Assembly);
        builder.Services.AddSingleton<NotificationLog>();
        builder.Services.AddSingleton<NotificationDeliveries>();
        builder.AddAdminKeys();
        builder.AddLeadPlatformBus(x =>
        {
            builder.AddNotificationRouting(x);
            x.AddConsumer<NotifiedLeadRecorder>(typeof(NotifiedLeadRecorderDefinition));
            x.AddConsumer<LeadDeliveredNotifier>(typeof(LeadDeliveredNotifierDefinition));
            x.AddConsumer<NotificationErasureConsumer>().Endpoint(e => e.Name = "notifications-erasure");
        });
        return builder;
    }
}
