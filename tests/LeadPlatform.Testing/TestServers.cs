using System.Net.Sockets;

namespace LeadPlatform.Testing;

/// <summary>The real RabbitMQ and PostgreSQL the tests run against, and a clear failure when they are not up.</summary>
public static class TestServers
{
    public static string RabbitHost => Environment.GetEnvironmentVariable("LP_RABBITMQ_HOST") ?? "127.0.0.1";
    public static int RabbitPort => int.Parse(Environment.GetEnvironmentVariable("LP_RABBITMQ_PORT") ?? "5672", System.Globalization.CultureInfo.InvariantCulture);
    public static string RabbitManagement => Environment.GetEnvironmentVariable("LP_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:15672";
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("LP_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Database=leadplatform;Username=leadplatform;Password=leadplatform";

    private const string HowToStart = "Start them with build/infra.sh (installs and starts RabbitMQ and PostgreSQL), or run build/test.sh.";

    public static void RequireReachable()
    {
        Require("RabbitMQ", RabbitHost, RabbitPort);
        Require("PostgreSQL", "127.0.0.1", 5432);
    }

    private static void Require(string name, string host, int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(host, port);
        }
        catch (SocketException ex)
        {
            Assert.Fail($"{name} does not answer on {host}:{port} ({ex.Message}). {HowToStart}");
        }
    }
}
