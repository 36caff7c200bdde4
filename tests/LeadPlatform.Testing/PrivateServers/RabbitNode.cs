using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace LeadPlatform.Testing;

/// <summary>
/// One RabbitMQ node of a private cluster (<see cref="RabbitMqCluster"/>, of one node or more) beside the shared
/// broker, from the Debian <c>rabbitmq-server</c> package: its own node name, AMQP,
/// management and distribution ports, data and log directories; the Erlang cookie is shared through HOME (the
/// cluster's directory), so the nodes and rabbitmqctl trust one another. The package's /etc/rabbitmq is not read.
/// </summary>
public sealed class RabbitNode : IAsyncDisposable
{
    public const string Scripts = "/usr/lib/rabbitmq/bin";
    public const string HowToFix =
        "Tests with private servers start RabbitMQ nodes from the Debian package: install it (apt-get install rabbitmq-server; " +
        "build/infra.sh does it when it runs the servers natively, e.g. INFRA_NO_DOCKER=1) and run the tests as root (build/test.sh).";

    private readonly string _home;
    private readonly string _dir;
    private Process? _server;

    public string NodeName { get; }
    public int AmqpPort { get; }
    public int ManagementPort { get; }
    public int DistributionPort { get; }
    public string ManagementUrl => $"http://127.0.0.1:{ManagementPort.ToString(CultureInfo.InvariantCulture)}";
    public bool IsRunning => _server is { HasExited: false };
    private string PidFile => Path.Combine(_dir, "rabbit.pid");
    private string OutputFile => Path.Combine(_dir, "server.out");

    private RabbitNode(string home, string name)
    {
        _home = home;
        _dir = Path.Combine(home, name);
        NodeName = $"{Path.GetFileName(home)}-{name}@localhost";
        // Free ports lie below 32768, away from 35672-35682 where rabbitmqctl itself listens while it runs.
        (AmqpPort, ManagementPort, DistributionPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
    }

    /// <summary>Writes the node's configuration under <paramref name="home"/>; <paramref name="extraConfig"/> is appended to rabbitmq.conf.</summary>
    public static async Task<RabbitNode> CreateAsync(string home, string name, string extraConfig = "")
    {
        if (!File.Exists(Path.Combine(Scripts, "rabbitmq-server")))
        {
            Assert.Fail($"{Scripts}/rabbitmq-server not found. {HowToFix}");
        }
        var node = new RabbitNode(home, name);
        Directory.CreateDirectory(node._dir);
        await File.WriteAllTextAsync(Path.Combine(node._dir, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{node.AmqpPort}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {node.ManagementPort}
            {extraConfig}
            """);
        await File.WriteAllTextAsync(Path.Combine(node._dir, "enabled_plugins"), "[rabbitmq_management].\n");
        return node;
    }

    /// <summary>
    /// Starts the node on its data directory; returns once AMQP and the management API answer (bounded). A node that
    /// exits while starting is started once more: on a loaded machine a boot step now and then gives up early.
    /// </summary>
    public async Task StartAsync(TimeSpan? within = null)
    {
        Launch();
        if (await ServeOrExitAsync(within ?? TimeSpan.FromSeconds(150)) == Outcome.Exited)
        {
            await TestContext.Progress.WriteLineAsync($"{NodeName} exited while starting; starting it again. {Tail()}");
            _server!.Dispose();
            _server = null;
            Launch();
        }
        await WaitUntilServingAsync(within ?? TimeSpan.FromSeconds(150));
    }

    private void Launch()
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
    }

    /// <summary>The last lines the node printed, for failure messages (its directory is removed on dispose).</summary>
    private string Tail()
    {
        try
        {
            return "Last output: " + string.Join(" | ", File.ReadLines(OutputFile).Where(l => l.Trim().Length > 0).TakeLast(8));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Waits until the node serves AMQP and its management API (after a start, or after a pause ends).</summary>
    public async Task WaitUntilServingAsync(TimeSpan within)
    {
        switch (await ServeOrExitAsync(within))
        {
            case Outcome.Exited:
                Assert.Fail($"RabbitMQ node {NodeName} exited with {_server!.ExitCode}. {HowToFix} {Tail()}");
                break;
            case Outcome.TimedOut:
                Assert.Fail($"RabbitMQ node {NodeName} did not serve within {within.TotalSeconds:0} s. {Tail()}");
                break;
        }
    }

    private enum Outcome { Serving, Exited, TimedOut }

    private async Task<Outcome> ServeOrExitAsync(TimeSpan within)
    {
        using var management = ManagementClient();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_server is { HasExited: true })
            {
                return Outcome.Exited;
            }
            if (await ServingAsync(management))
            {
                return Outcome.Serving;
            }
            await Task.Delay(250);
        }
        return Outcome.TimedOut;
    }

    /// <summary>Whether the node currently accepts AMQP connections and answers its management API.</summary>
    public async Task<bool> ServingAsync(HttpClient? client = null)
    {
        using var own = client is null ? ManagementClient() : null;
        try
        {
            using var overview = await (client ?? own!).GetAsync("api/overview");
            return overview.IsSuccessStatusCode && AmqpAnswers();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(ManagementUrl + "/"), Timeout = TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "Z3Vlc3Q6Z3Vlc3Q=");
        return client;
    }

    /// <summary>rabbitmqctl against this node, e.g. <c>join_cluster</c>; fails the test when it fails.</summary>
    public Task<string> CtlAsync(params string[] args) =>
        PrivateProcesses.RunAsync(Path.Combine(Scripts, "rabbitmqctl"), ["-n", NodeName, .. args], HowToFix, Environment());

    /// <summary><c>rabbitmqctl stop</c>: the node shuts down cleanly and its OS process exits.</summary>
    public async Task StopAsync()
    {
        await CtlAsync("stop", PidFile);
        if (_server is { } server)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(cts.Token);
            server.Dispose();
            _server = null;
        }
    }

    /// <summary>SIGKILL to the node's Erlang VM: no shutdown, no flushing, as a crash.</summary>
    public async Task KillAsync()
    {
        if (File.Exists(PidFile) && int.TryParse((await File.ReadAllTextAsync(PidFile)).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var beam = Process.GetProcessById(pid);
                beam.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Already gone.
            }
        }
        if (_server is { } server)
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await server.WaitForExitAsync(cts.Token);
            server.Dispose();
            _server = null;
        }
        File.Delete(PidFile);
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

    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = _home, // the shared Erlang cookie lives here
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

    public async ValueTask DisposeAsync() => await KillAsync();
}
