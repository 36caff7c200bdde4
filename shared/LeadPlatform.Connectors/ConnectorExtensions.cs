using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.Connectors;

public static class ConnectorExtensions
{
    /// <summary>
    /// Everything a CRM connector needs but its translation: the <c>connector-{crm}</c> queue and consumer,
    /// the integration catalog, the delivery ledger, resilience, scheduled retries and a typed HttpClient
    /// for <typeparamref name="TConnector"/>.
    /// </summary>
    public static IHostApplicationBuilder AddConnector<TConnector>(this IHostApplicationBuilder builder, string crm)
        where TConnector : class, ICrmConnector
    {
        builder.Services.Configure<ConnectorOptions>(builder.Configuration.GetSection("Connector"));
        builder.Services.PostConfigure<ConnectorOptions>(o => o.Crm = crm);
        var options = builder.Configuration.GetSection("Connector").Get<ConnectorOptions>() ?? new ConnectorOptions();

        builder.AddIntegrationCatalog();
        builder.AddLeadPlatformDatabase("delivery", typeof(DeliveryLedger).Assembly);
        builder.Services.AddSingleton<DeliveryLedger>();
        builder.Services.AddSingleton<LedgerUpdates>();
        builder.Services.AddSingleton<SharedRateLimiter>();
        builder.Services.AddSingleton<DeliveryResilience>();
        builder.Services.AddSingleton<CircuitReports>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CircuitReports>());
        builder.Services.AddScoped<DeliveryProcessor>();
        builder.Services.AddHostedService<ScheduledRetryWorker>();
        builder.Services.Configure<RetentionOptions>(builder.Configuration.GetSection("Retention"));
        builder.Services.AddHostedService<LedgerRetention>();
        builder.Services.AddTransient<ContentLengthHandler>();
        builder.Services.AddHttpClient<ICrmConnector, TConnector>(http => http.Timeout = options.RequestTimeout)
            .AddHttpMessageHandler<ContentLengthHandler>()
            // Without IHttpClientFactory's request logging (lines and a scope naming each CRM call's URI): its lines are
            // filtered out at Warning anyway (appsettings.json), but its two handlers still ran on every CRM call.
            .RemoveAllLoggers();

        var queue = CrmRouting.Queue(crm);
        void CrmQueue(IEndpointRegistrationConfigurator e)
        {
            e.Name = queue;
            e.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
            e.PrefetchCount = options.PrefetchCount;
        }

        builder.Services.AddReceiveEndpointObserver(sp => ActivatorUtilities.CreateInstance<CrmRouting.LegacyBindings>(sp, crm));
        builder.AddLeadPlatformBus(x =>
        {
            // Only the leads planned for this CRM reach its queue (CrmRouting).
            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                if (name == queue && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.RouteLeadsByCrm(crm);
                }
            });
            x.AddConsumer<LeadConvertedConsumer, LeadConvertedConsumerDefinition>().Endpoint(CrmQueue);
            // Erasure of ledger rows: one queue all connectors compete on, so one of them answers.
            x.AddConsumer<LedgerErasureConsumer>().Endpoint(e => e.Name = LedgerErasureConsumer.Queue);
            // Operators' replays of failed deliveries, the same way.
            x.AddConsumer<LedgerReplayConsumer>().Endpoint(e => e.Name = LedgerReplayConsumer.Queue);
            // Updates of delivered leads share the CRM's queue (and so its order and limits).
            x.AddConsumer<LeadUpdatedConsumer, LeadUpdatedConsumerDefinition>().Endpoint(CrmQueue);
        });
        return builder;
    }
}
