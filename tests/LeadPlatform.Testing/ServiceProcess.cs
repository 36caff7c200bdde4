using System.Diagnostics;

namespace LeadPlatform.Testing;

/// <summary>
/// A platform service running as its own process, as in production: started from its built assembly with
/// the environment's configuration, waited for until ready, and killable with SIGKILL for fault tests.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _dll;
    private readonly Dictionary<string, string?> _config;
    private readonly string _logPath;
    private Process? _process;
    private Process? _killedByTest;
    private StreamWriter? _log;

    public string Name { get; }

    /// <summary>
    /// Restarted when it exits by itself after it was ready, as Kubernetes or Compose's restart policy does (a
    /// service stops itself when its broker client is wedged, see ConsumeWatchdog); SIGKILLs from the test are not.
    /// </summary>
    public bool Supervised { get; set; }

    /// <summary>How often the supervisor started the process again.</summary>
    public int SupervisorRestarts => _supervisorRestarts;
    private int _supervisorRestarts;
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    private ServiceProcess(string name, string dll, int port, Dictionary<string, string?> config, string logDir)
    {
        Name = name;
        _dll = dll;
        _config = config;
        _logPath = Path.Combine(logDir, name + ".log");
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<ServiceProcess> StartAsync(string name, string projectDir, string assemblyName,
        IDictionary<string, string?> config, string logDir, int? port = null)
    {
        var service = new ServiceProcess(name, RepoPaths.ServiceDll(projectDir, assemblyName), port ?? FreePort.Next(),
            new Dictionary<string, string?>(config), logDir);
        await service.StartAsync();
        return service;
    }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet", [_dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        // "Urls" as an environment variable outranks the service's appsettings.json.
        info.Environment["Urls"] = BaseAddress.ToString().TrimEnd('/');
        info.Environment["DOTNET_ENVIRONMENT"] = "Test";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Test";
        foreach (var (key, value) in _config)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var log = _log = new StreamWriter(_logPath, append: true) { AutoFlush = true };
        // Names the test (none in the bench), so a failing test's lines can be told from those of the fixture's other tests.
        var test = TestContext.CurrentContext.Test.FullName;
        var outsideTests = test.Contains("+AdhocContext.", StringComparison.Ordinal); // NUnit's stand-in when no test runs
        await log.WriteLineAsync($"---- start {DateTime.UtcNow:O}{(outsideTests ? "" : $" for {test}")}");
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitReadyAsync(TimeSpan.FromSeconds(60));
        var started = _process;
        started.EnableRaisingEvents = true;
        started.Exited += (_, _) => RestartIfSupervised(started, log);
    }

    private void RestartIfSupervised(Process exited, StreamWriter log)
    {
        if (!Supervised || ReferenceEquals(exited, _killedByTest) || !ReferenceEquals(exited, _process))
        {
            return;
        }
        lock (log)
        {
            log.WriteLine($"---- exited by itself with code {exited.ExitCode} at {DateTime.UtcNow:O}; the supervisor restarts it");
        }
        Interlocked.Increment(ref _supervisorRestarts);
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (Supervised)
            {
                await StartAsync();
            }
        });
    }

    /// <summary>Writes a line of the test's own into the service's log, e.g. where the next test begins.</summary>
    public void Note(string line)
    {
        if (_log is { } log)
        {
            lock (log)
            {
                log.WriteLine($"---- {line}");
            }
        }
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                Assert.Fail($"{Name} exited with code {_process.ExitCode} while starting. Log {_logPath}:\n{Tail()}");
            }
            try
            {
                using var response = await Client.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{Name} was not ready within {timeout.TotalSeconds:0}s. Log {_logPath}:\n{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, as a crash.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            _killedByTest = process;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public async Task RestartAsync()
    {
        Kill();
        await StartAsync();
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public ValueTask DisposeAsync()
    {
        Supervised = false;
        Kill();
        Client.Dispose();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
