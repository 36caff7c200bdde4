using MassTransit;
using LeadPlatform.Ingestion.OperatorConsole;
using LeadPlatform.Ingestion.Operations;
using LeadPlatform.Ingestion.Privacy;
using LeadPlatform.Ingestion.Webhooks;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Ingestion;

public static class IngestionExtensions
{
    /// <summary>Intake, routing, the outbox relay, the delivery view and the integration admin.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.AddAdminKeys();
        builder.AddIntegrationCatalog();
        builder.AddLeadPlatformDatabase("ingestion", typeof(LeadIntake).Assembly);
        builder.Services.AddSingleton<LeadRouter>();
        builder.Services.AddSingleton<LeadIntake>();
        builder.Services.Configure<Dictionary<string, SourceOptions>>(builder.Configuration.GetSection("Sources"));
        builder.Services.AddSingleton<SourceNames>();
        builder.Services.AddSingleton<KnownSources>();
        builder.Services.AddSingleton<LeadInserts>();
        builder.Services.AddSingleton<OutboxHandoff>();
        builder.Services.AddSingleton<DeliveredView>();
        builder.Services.AddSingleton<LeadUpdates>();
        builder.Services.AddSingleton<LeadOpportunities>();
        builder.Services.AddSingleton<SourceKeys>();
        builder.Services.AddSingleton<ProgramRules>();
        builder.Services.AddSingleton<LeadSubmission>();
        builder.Services.AddSingleton<FileSeeds>();
        builder.Services.AddHostedService<IntegrationFileLoader>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.AddIngestionOperations();
        builder.AddIngestionPrivacy();
        builder.AddWebhooks();
        builder.AddPublishedLeadSchema();
        builder.AddLeadPlatformBus(x =>
        {
            x.AddConsumer<DeliveryOutcomeConsumer>(typeof(DeliveryOutcomeConsumerDefinition));
            x.AddConsumer<RetiredDeliveryViewConsumer>(typeof(RetiredDeliveryViewConsumerDefinition));
            x.AddConsumer<SubmitLeadConsumer>(typeof(SubmitLeadConsumerDefinition));
            x.AddReceiveObserver<UnreadableSubmitLeadReplies>();
            x.AddConsumer<LeadOpportunityConsumer>(typeof(LeadOpportunityConsumerDefinition));
            x.AddConsumer<WebhookEventConsumer>(typeof(WebhookEventConsumerDefinition));
            x.AddConsumer<OperatorConsole.CrmCircuitConsumer>(typeof(OperatorConsole.CrmCircuitConsumerDefinition));
        });
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        app.MapLeadEndpoints();
        app.MapIntegrationAdmin();
        app.MapSettingsSchemas();
        app.MapDealerProviders();
        app.MapIntakeAdmin();
        app.MapOperations();
        app.MapOperationJobs();
        app.MapErasures();
        app.MapConsoleApi();
        app.MapWebhooks();
        return app;
    }
}
