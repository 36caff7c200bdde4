using RabbitMQ.Client;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// A plain RabbitMQ.Client connection (for the tools beside the bus: error-queue drain and peek, erasure's queue walk)
/// made as the bus's host is (<see cref="BusExtensions.UseRabbitMqHost(MassTransit.IRabbitMqBusFactoryConfigurator, RabbitMqAddress)"/>):
/// every node of the address, tried in turn, and with <c>amqps://</c> TLS checked against the node's host name and the
/// <c>cacertfile</c> CA (or the machine's CAs).
/// </summary>
public static class RabbitMqConnections
{
    public static Task<IConnection> OpenConnectionAsync(this RabbitMqAddress address, string clientName, CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            UserName = address.UserName,
            Password = address.Password,
            VirtualHost = address.VirtualHost,
            ClientProvidedName = clientName,
        };
        var endpoints = address.Nodes.Select(n => new AmqpTcpEndpoint(n.Host.Trim('[', ']'), n.Port, Tls(address, n.Host.Trim('[', ']')))).ToList();
        return factory.CreateConnectionAsync(endpoints, clientName, ct);
    }

    private static SslOption Tls(RabbitMqAddress address, string host)
    {
        if (!address.UsesTls)
        {
            return new SslOption();
        }
        var tls = new SslOption(host) { Enabled = true };
        if (address.CaCertificateFile is { } caFile)
        {
            tls.CertificateValidationCallback = RabbitMqTls.TrustOnly(caFile);
        }
        return tls;
    }
}
