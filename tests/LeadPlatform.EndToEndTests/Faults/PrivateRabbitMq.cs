using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// A RabbitMQ node of the test's own beside the shared one, from the Debian <c>rabbitmq-server</c> package: its own
/// node name, AMQP, management and distribution ports, data and log directories under a temp dir, and its own Erlang
/// cookie (HOME is the temp dir). Stopped gracefully with <c>rabbitmqctl stop</c> or killed with SIGKILL, and
/// started again on the same data directory, so quorum queues and persisted messages survive as in production.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Scripts = "/usr/lib/rabbitmq/bin";
    private const string HowToFix =
        "The fault tests start a private RabbitMQ node from the Debian package: install it (apt-get install rabbitmq-server; " +
        "build/infra.sh does it when it runs the servers natively, e.g. INFRA_NO_DOCKER=1) and run the tests as root (build/test.sh).";

    private readonly string _dir;
    private Process? _server;

    public string NodeName { get; }
    public int AmqpPort { get; }
    public int ManagementPort { get; }
    private int DistributionPort { get; }
    public string ManagementUrl => $"http://127.0.0.1:{ManagementPort.ToString(CultureInfo.InvariantCulture)}";
    private string PidFile => Path.Combine(_dir, "rabbit.pid");
    private string OutputFile => Path.Combine(_dir, "server.out");

    private PrivateRabbitMq(string dir)
    {
        _dir = dir;
        NodeName = $"lp-{Path.GetFileName(dir)}@localhost";
        var ports = NodePorts(3);
        (AmqpPort, ManagementPort, DistributionPort) = (ports[0], ports[1], ports[2]);
    }

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        if (!File.Exists(Path.Combine(Scripts, "rabbitmq-server")))
        {
            Assert.Fail($"{Scripts}/rabbitmq-server not found. {HowToFix}");
        }
        var dir = Path.Combine(Path.GetTempPath(), "lp-rmq-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var node = new PrivateRabbitMq(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{node.AmqpPort}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {node.ManagementPort}
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "enabled_plugins"), "[rabbitmq_management].\n");
        await node.StartNodeAsync();
        return node;
    }

    /// <summary>Starts the node on its data directory; returns once AMQP and the management API answer.</summary>
    public async Task StartNodeAsync()
    {
        var info = new ProcessStartInfo(Path.Combine(Scripts, "rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var (key, value) in Environment())
        {
            info.Environment[key] = value;
        }
        var log = new StreamWriter(OutputFile, append: true) { AutoFlush = true };
        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var management = new HttpClient { BaseAddress = new Uri(ManagementUrl), Timeout = TimeSpan.FromSeconds(5) };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "Z3Vlc3Q6Z3Vlc3Q=");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_server.HasExited)
            {
                Assert.Fail($"RabbitMQ node {NodeName} exited with {_server.ExitCode} while starting. {HowToFix} Output: {OutputFile}, logs: {_dir}/log");
            }
            try
            {
                using var overview = await management.GetAsync("api/overview");
                if (overview.IsSuccessStatusCode && AmqpAnswers())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        Assert.Fail($"RabbitMQ node {NodeName} did not answer within 120 s. {HowToFix} Output: {OutputFile}, logs: {_dir}/log");
    }

    /// <summary><c>rabbitmqctl stop</c>: the node shuts down cleanly and its OS process exits.</summary>
    public async Task StopNodeAsync()
    {
        await PrivateProcesses.RunAsync(Path.Combine(Scripts, "rabbitmqctl"), ["-n", NodeName, "stop", PidFile], HowToFix, Environment());
        await WaitForExitAsync();
    }

    /// <summary>SIGKILL to the node's Erlang VM: no shutdown, no flushing, as a crash.</summary>
    public async Task KillNodeAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(PidFile)).Trim(), CultureInfo.InvariantCulture);
        using (var beam = Process.GetProcessById(pid))
        {
            beam.Kill();
        }
        await WaitForExitAsync();
    }

    private async Task WaitForExitAsync()
    {
        if (_server is { } server)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(cts.Token);
            server.Dispose();
            _server = null;
        }
    }

    private bool AmqpAnswers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", AmqpPort);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Everything the node and rabbitmqctl must agree on; the package's /etc/rabbitmq files are not read.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = _dir, // the Erlang cookie lives here, shared by the node and rabbitmqctl
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_dir, "advanced.config"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_dir, "rabbitmq-env.conf"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins"),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log"),
        ["RABBITMQ_PID_FILE"] = PidFile,
    };

    /// <summary>Distinct free ports outside 35672-35682, the range rabbitmqctl itself listens on while it runs.</summary>
    private static List<int> NodePorts(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = FreePort.Next();
            if (port is < 35672 or > 35682 && !ports.Contains(port))
            {
                ports.Add(port);
            }
        }
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(PidFile) && _server is { HasExited: false })
        {
            await KillNodeAsync();
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
