using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.Integrations;

public static class IntegrationsExtensions
{
    /// <summary>The integration catalog (its tables migrated at start-up) and its store.</summary>
    public static IHostApplicationBuilder AddIntegrationCatalog(this IHostApplicationBuilder builder)
    {
        builder.AddLeadPlatformDatabase("integrations", typeof(Integration).Assembly);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IntegrationStore>();
        return builder;
    }
}
