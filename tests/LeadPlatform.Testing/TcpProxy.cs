using System.Net;
using System.Net.Sockets;

namespace LeadPlatform.Testing;

/// <summary>
/// A TCP forwarder on a free loopback port in front of a real server (RabbitMQ, PostgreSQL, an HTTP service),
/// so a test can simulate an outage without touching the server others use: <see cref="Cut"/> closes every
/// live connection and refuses new ones; <see cref="Restore"/> accepts again. Point the service under test at
/// <see cref="Port"/> instead of the server's port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly object _gate = new();
    private readonly HashSet<Connection> _connections = [];
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public int Port { get; }
    public bool IsCut { get; private set; }

    /// <summary>How many client connections are currently forwarded.</summary>
    public int LiveConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    private TcpProxy(string targetHost, int targetPort, int port)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        Port = port;
    }

    /// <summary>Starts forwarding 127.0.0.1:<paramref name="port"/> (a free one when null) to the target.</summary>
    public static TcpProxy Start(string targetHost, int targetPort, int? port = null)
    {
        var proxy = new TcpProxy(targetHost, targetPort, port ?? FreePort.Next());
        proxy.Listen();
        return proxy;
    }

    /// <summary>Closes all live connections and refuses new ones (connection refused), as a server that went away.</summary>
    public void Cut()
    {
        List<Connection> live;
        lock (_gate)
        {
            if (IsCut)
            {
                return;
            }
            IsCut = true;
            _listener?.Stop();
            _listener = null;
            live = [.. _connections];
            _connections.Clear();
        }
        foreach (var connection in live)
        {
            connection.Abort();
        }
    }

    /// <summary>Accepts connections again on the same port.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (!IsCut)
            {
                return;
            }
            IsCut = false;
        }
        Listen();
    }

    private void Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        // The port was free a moment ago (or was ours before a cut); a short retry covers TIME_WAIT races.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                listener.Start();
                break;
            }
            catch (SocketException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
        }
        lock (_gate)
        {
            _listener = listener;
        }
        _acceptLoop = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped by Cut or Dispose
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        var connection = new Connection(client, upstream);
        lock (_gate)
        {
            if (IsCut)
            {
                connection.Abort();
                return;
            }
            _connections.Add(connection);
        }
        try
        {
            client.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var up = PumpAsync(client.GetStream(), upstream.GetStream(), done.Token);
            var down = PumpAsync(upstream.GetStream(), client.GetStream(), done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(connection);
            }
            connection.Abort();
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Cut();
        await _acceptLoop;
        _stopping.Dispose();
    }

    private sealed class Connection(TcpClient client, TcpClient upstream)
    {
        /// <summary>A reset, not a graceful close: the peer sees the connection drop as in a real outage.</summary>
        public void Abort()
        {
            foreach (var side in new[] { client, upstream })
            {
                try
                {
                    if (side.Client is { } socket)
                    {
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    side.Close();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
