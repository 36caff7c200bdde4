using System.Net;
using System.Net.Sockets;
using System.Text;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>The proxy other outage tests rely on: forwards, cuts live connections, refuses while cut, accepts after restore.</summary>
[TestFixture]
public class TcpProxySpecs
{
    private TcpListener _echo = null!;
    private CancellationTokenSource _stop = null!;

    [SetUp]
    public void StartEchoServer()
    {
        _stop = new CancellationTokenSource();
        _echo = new TcpListener(IPAddress.Loopback, 0);
        _echo.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _echo.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using var c = client;
                    var buffer = new byte[1024];
                    int read;
                    try
                    {
                        while ((read = await c.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
                        {
                            await c.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException)
                    {
                    }
                });
            }
        });
    }

    [TearDown]
    public void StopEchoServer()
    {
        _stop.Cancel();
        _echo.Stop();
        _echo.Dispose();
        _stop.Dispose();
    }

    private int EchoPort => ((IPEndPoint)_echo.LocalEndpoint).Port;

    private static async Task<string> RoundTripAsync(NetworkStream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[text.Length];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total));
            if (read == 0)
            {
                throw new IOException("closed");
            }
            total += read;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    [Test]
    public async Task Forwards_then_cut_drops_live_connections_and_refuses_new_ones_then_restore_accepts_again()
    {
        await using var proxy = TcpProxy.Start("127.0.0.1", EchoPort);
        using var live = new TcpClient();
        await live.ConnectAsync(IPAddress.Loopback, proxy.Port);
        Assert.That(await RoundTripAsync(live.GetStream(), "hello"), Is.EqualTo("hello"));

        proxy.Cut();

        Assert.That(async () => await RoundTripAsync(live.GetStream(), "again"), Throws.InstanceOf<IOException>());
        using (var refused = new TcpClient())
        {
            Assert.That(async () => await refused.ConnectAsync(IPAddress.Loopback, proxy.Port), Throws.InstanceOf<SocketException>());
        }
        Assert.That(proxy.LiveConnections, Is.Zero);

        proxy.Restore();

        using var after = new TcpClient();
        await after.ConnectAsync(IPAddress.Loopback, proxy.Port);
        Assert.That(await RoundTripAsync(after.GetStream(), "back"), Is.EqualTo("back"));
    }
}
