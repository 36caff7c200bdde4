using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.Testing;

/// <summary>
/// A platform service hosted inside the test process on a real port, composed with the same extension
/// methods its Program.cs uses, so a test can reach into its services (and its telemetry).
/// </summary>
public sealed class InProcessService : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required Uri BaseAddress { get; init; }
    public required HttpClient Client { get; init; }
    public IServiceProvider Services => App.Services;

    public static async Task<InProcessService> StartAsync(
        string applicationName,
        IDictionary<string, string?> configuration,
        Action<WebApplicationBuilder> add,
        Action<WebApplication> map,
        string? logDir = null)
    {
        var port = FreePort.Next();
        // An empty content root: the appsettings.json files of referenced services are not this service's.
        var contentRoot = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "leadplatform-inprocess")).FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = "Test",
            ContentRootPath = contentRoot,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(logDir ?? RepoPaths.LogDir("in-process"), applicationName + ".log")));
        add(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        return new InProcessService { App = app, BaseAddress = baseAddress, Client = new HttpClient { BaseAddress = baseAddress } };
    }

    /// <summary>A client of its own (the caller disposes it) that sends <paramref name="header"/> when it has a value.</summary>
    public HttpClient NewClient(string? header = null, string? value = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (header is not null && value is not null)
        {
            client.DefaultRequestHeaders.Add(header, value);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await App.StopAsync(stop.Token);
        }
        await App.DisposeAsync();
    }
}
