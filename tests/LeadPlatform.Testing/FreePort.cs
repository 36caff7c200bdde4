using System.Net;
using System.Net.Sockets;

namespace LeadPlatform.Testing;

/// <summary>
/// A port nothing listens on, for a server a test starts a moment later. Picked below the kernel's ephemeral range
/// (ip_local_port_range, 32768-60999 on Debian): a port from that range can be taken in between by any outgoing
/// connection on the machine (a RabbitMQ node saw its management port go that way), one below it cannot.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32767;
    private const int SharedBrokerDistributionPort = 25672;
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(First, Last + 1);
                if (port != SharedBrokerDistributionPort && !HandedOut.Contains(port) && CanBind(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free port between {First} and {Last} after 1000 tries.");
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
