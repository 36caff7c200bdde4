using LeadPlatform.Integrations.Secrets;
using LeadPlatform.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadPlatform.Integrations;

public static class IntegrationsExtensions
{
    /// <summary>The integration catalog (its tables migrated at start-up), its store, and credentials encrypted at rest.</summary>
    public static IHostApplicationBuilder AddIntegrationCatalog(this IHostApplicationBuilder builder)
    {
        builder.AddLeadPlatformDatabase("integrations", typeof(Integration).Assembly);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IntegrationStore>();
        builder.Services.AddHostedService<IntegrationChangeListener>();
        builder.Services.TryAddSingleton<DealerProviders.DealerProviderCatalog>();
        builder.AddCredentialProtection();
        return builder;
    }

    /// <summary>
    /// Data Protection with its key ring in PostgreSQL, encrypted under <c>DataProtection:Key</c>; one application
    /// name for every service, so what ingestion encrypts the connectors and disposition can read.
    /// </summary>
    private static void AddCredentialProtection(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(CredentialProtector)))
        {
            return;
        }
        builder.Services.AddSingleton<KeyRingKey>();
        builder.Services.AddSingleton<CredentialProtector>();
        builder.Services.AddDataProtection()
            .SetApplicationName("LeadPlatform")
            .SetDefaultKeyLifetime(CredentialEncryptionStartup.KeyLifetime);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new PostgresXmlRepository(services.GetRequiredService<NpgsqlDataSource>());
            options.XmlEncryptor = new ConfiguredKeyXmlEncryptor(services.GetRequiredService<KeyRingKey>());
        }));
        builder.Services.AddHostedService<CredentialEncryptionStartup>();
    }
}
