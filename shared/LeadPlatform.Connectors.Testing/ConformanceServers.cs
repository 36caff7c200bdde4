using System.Globalization;

namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// The real RabbitMQ and PostgreSQL the kit runs a connector against. Read from the same environment variables the
/// platform's own tests use (<c>LP_POSTGRES</c>, <c>LP_RABBITMQ_HOST</c>, <c>LP_RABBITMQ_PORT</c>,
/// <c>LP_RABBITMQ_MANAGEMENT</c>), defaulting to the local development servers.
/// </summary>
/// <param name="PostgresAdmin">A connection string of a role that may create and drop databases.</param>
/// <param name="RabbitManagement">The management API's base address; <paramref name="RabbitUser"/> may create virtual hosts.</param>
public sealed record ConformanceServers(
    string PostgresAdmin, string RabbitHost, int RabbitPort, string RabbitManagement, string RabbitUser = "guest", string RabbitPassword = "guest")
{
    public static ConformanceServers FromEnvironment() => new(
        Environment.GetEnvironmentVariable("LP_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Database=leadplatform;Username=leadplatform;Password=leadplatform",
        Environment.GetEnvironmentVariable("LP_RABBITMQ_HOST") ?? "127.0.0.1",
        int.Parse(Environment.GetEnvironmentVariable("LP_RABBITMQ_PORT") ?? "5672", CultureInfo.InvariantCulture),
        Environment.GetEnvironmentVariable("LP_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:15672");
}
