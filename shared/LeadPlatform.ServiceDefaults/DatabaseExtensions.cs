using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

public static class DatabaseExtensions
{
    public const string DefaultPostgres =
        "Host=127.0.0.1;Port=5432;Database=leadplatform;Username=leadplatform;Password=leadplatform";

    /// <summary>
    /// The Npgsql data source, a readiness check, <c>503</c> for requests that meet the database away, and the ordered
    /// SQL scripts embedded under <c>Migrations/</c> of <paramref name="migrations"/> applied at start-up as
    /// <paramref name="module"/>. Call once per module a service owns.
    /// </summary>
    public static IHostApplicationBuilder AddLeadPlatformDatabase(
        this IHostApplicationBuilder builder, string module, Assembly migrations)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres") ?? DefaultPostgres;
        builder.Services.TryAddSingleton(_ => BuildDataSource(connectionString));
        if (!builder.Services.Any(s => s.ServiceType == typeof(PostgresReadyCheck)))
        {
            builder.Services.AddSingleton<PostgresReadyCheck>();
            builder.Services.AddReadyCheck<PostgresReadyCheck>("postgres");
            builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        }
        builder.Services.AddSingleton(new MigrationModule(module, migrations));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrationRunner>());
        return builder;
    }

    /// <summary>
    /// Unless the connection string says otherwise: the same few statements run for every lead, so they are prepared
    /// automatically (PostgreSQL parses and plans each once per connection, not once per call); a pooled connection
    /// is not reset when returned (the services keep no session state: SET LOCAL only, advisory locks released
    /// explicitly; with prepared statements the reset is seven statements on every use); and over loopback no TLS
    /// (Npgsql prefers it when the server offers it, as Debian's does: it protects nothing there and costs CPU on
    /// both ends for every statement).
    /// </summary>
    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var source = new NpgsqlDataSourceBuilder(connectionString);
        var settings = source.ConnectionStringBuilder;
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 3;
        }
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            settings.NoResetOnClose = true;
        }
        if (!connectionString.Contains("SSL Mode", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("SslMode", StringComparison.OrdinalIgnoreCase)
            && settings.Host is "127.0.0.1" or "localhost" or "::1")
        {
            settings.SslMode = SslMode.Disable;
        }
        return source.Build();
    }
}
