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
    /// The Npgsql data source, a readiness check, and the ordered SQL scripts embedded under
    /// <c>Migrations/</c> of <paramref name="migrations"/> applied at start-up as <paramref name="module"/>.
    /// Call once per module a service owns.
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
        }
        builder.Services.AddSingleton(new MigrationModule(module, migrations));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrationRunner>());
        return builder;
    }

    /// <summary>
    /// The same few statements run for every lead: prepared automatically (unless the connection string says
    /// otherwise), PostgreSQL parses and plans each once per connection instead of once per call.
    /// </summary>
    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var source = new NpgsqlDataSourceBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            source.ConnectionStringBuilder.MaxAutoPrepare = 64;
            source.ConnectionStringBuilder.AutoPrepareMinUsages = 3;
        }
        return source.Build();
    }
}
