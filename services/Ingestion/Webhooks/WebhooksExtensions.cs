namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>Feedback to sources: webhook subscriptions, their deliveries and the sender (docs/source-feedback.md).</summary>
public static class WebhooksExtensions
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection("Webhooks"));
        builder.Services.AddSingleton<WebhookSubscriptions>();
        builder.Services.AddSingleton<WebhookEventLog>();
        builder.Services.AddHostedService<WebhookSender>();
        return builder;
    }
}
