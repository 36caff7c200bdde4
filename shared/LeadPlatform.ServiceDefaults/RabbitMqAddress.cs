using System.Globalization;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// <c>ConnectionStrings:RabbitMq</c>: an AMQP URI whose host part may list several nodes of a RabbitMQ cluster,
/// comma-separated, e.g. <c>amqp://user:pass@rabbit-0:5672,rabbit-1:5672,rabbit-2:5672/vhost</c>. A service
/// connects to one of them and, when that node goes away, reconnects to any other. One node is the usual URI.
/// With <c>amqps://</c>, the query parameter <c>cacertfile</c> (as in RabbitMQ's URI spec) names a PEM file of the CA
/// that signed the nodes' certificates, trusted instead of the machine's CA store:
/// <c>amqps://user:pass@rabbit-0:5671/vhost?cacertfile=/etc/leadplatform/rabbitmq-ca.pem</c>.
/// </summary>
public sealed record RabbitMqAddress(string Scheme, string UserName, string Password, IReadOnlyList<(string Host, int Port)> Nodes, string VirtualHost)
{
    /// <summary>The <c>cacertfile</c> query parameter: a PEM CA file to trust for TLS, or null for the machine's store.</summary>
    public string? CaCertificateFile { get; init; }

    public const int DefaultPort = 5672;
    public const int DefaultTlsPort = 5671;

    /// <summary><c>amqps://</c>: TLS to every node, its certificate checked against the node's host name.</summary>
    public bool UsesTls => Scheme.Equals("amqps", StringComparison.OrdinalIgnoreCase);

    public static RabbitMqAddress Parse(string connectionString)
    {
        var schemeEnd = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException("ConnectionStrings:RabbitMq must look like amqp://user:pass@host[:port][,host[:port]...]/vhost");
        }
        var scheme = connectionString[..schemeEnd];
        var query = connectionString.IndexOf('?', StringComparison.Ordinal);
        var rest = connectionString[(schemeEnd + 3)..(query < 0 ? connectionString.Length : query)];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var vhost = slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]);
        var at = authority.LastIndexOf('@');
        var credentials = (at < 0 ? "" : authority[..at]).Split(':', 2);
        var nodes = (at < 0 ? authority : authority[(at + 1)..])
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => ParseNode(n, scheme.Equals("amqps", StringComparison.OrdinalIgnoreCase) ? DefaultTlsPort : DefaultPort)).ToList();
        if (nodes.Count == 0)
        {
            throw new FormatException("ConnectionStrings:RabbitMq names no host");
        }
        return new RabbitMqAddress(scheme,
            credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : "guest",
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "guest",
            nodes, vhost.Length == 0 ? "/" : vhost)
        {
            CaCertificateFile = query < 0 ? null : QueryValue(connectionString[(query + 1)..], "cacertfile"),
        };
    }

    private static string? QueryValue(string query, string name) => query
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(p => Uri.UnescapeDataString(p[1]))
        .FirstOrDefault();

    private static (string Host, int Port) ParseNode(string node, int defaultPort)
    {
        // host, host:port, [v6], [v6]:port
        var colon = node.LastIndexOf(':');
        if (colon > 0 && colon > node.LastIndexOf(']'))
        {
            return (node[..colon], int.Parse(node[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture));
        }
        return (node, defaultPort);
    }

    /// <summary>A single-node URI per node (for clients that take one URI, such as the management tools).</summary>
    public IReadOnlyList<Uri> NodeUris => Nodes.Select(n => new UriBuilder(Scheme, n.Host.Trim('[', ']'), n.Port, Uri.EscapeDataString(VirtualHost))
    {
        UserName = Uri.EscapeDataString(UserName),
        Password = Uri.EscapeDataString(Password),
    }.Uri).ToList();
}
