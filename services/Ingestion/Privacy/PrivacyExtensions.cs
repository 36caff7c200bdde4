using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Privacy;

public static class PrivacyExtensions
{
    /// <summary>Erasure (<c>POST /v1/erasures</c>) and the retention sweep of ingestion's own outbox.</summary>
    public static IHostApplicationBuilder AddIngestionPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ErasureOptions>(builder.Configuration.GetSection("Erasure"));
        builder.Services.Configure<RetentionOptions>(builder.Configuration.GetSection("Retention"));
        builder.Services.AddSingleton<IngestionErasure>();
        builder.Services.AddSingleton<QueueErasure>();
        builder.Services.AddSingleton<ErasureLog>();
        builder.Services.AddSingleton<Erasures>();
        builder.Services.AddSingleton<OutboxRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRetention>());
        return builder;
    }
}
