namespace LeadPlatform.Testing;

/// <summary>
/// Where the RabbitMQ and PostgreSQL a fixture uses answer: the shared servers (<see cref="Shared"/>), or private
/// ones a fault test starts and stops itself.
/// </summary>
/// <param name="PostgresAdmin">A connection string of a role that may create and drop databases.</param>
/// <param name="RabbitManagement">The management API's base address (guest/guest).</param>
public sealed record ServerEndpoints(string PostgresAdmin, string RabbitHost, int RabbitPort, string RabbitManagement)
{
    public static ServerEndpoints Shared => new(TestServers.PostgresAdmin, TestServers.RabbitHost, TestServers.RabbitPort, TestServers.RabbitManagement);
}
