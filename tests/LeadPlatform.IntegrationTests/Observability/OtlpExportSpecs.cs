using System.Collections.Concurrent;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>Setting <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is all a service needs to send its spans and logs over OTLP.</summary>
[TestFixture]
public class OtlpExportSpecs
{
    [Test]
    public async Task With_an_OTLP_endpoint_configured_a_services_spans_and_masked_logs_are_sent_to_it()
    {
        var received = new ConcurrentQueue<(string Signal, string Body)>();
        var port = FreePort.Next();
        var collector = WebApplication.CreateBuilder();
        collector.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var receiver = collector.Build();
        receiver.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            // Protobuf keeps strings as UTF-8 bytes: enough to look for a marker and an email in them.
            using var body = new StreamReader(request.Body, System.Text.Encoding.Latin1);
            received.Enqueue((signal, await body.ReadToEndAsync()));
            return Results.Ok();
        });
        await receiver.StartAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "otlp-probe", EnvironmentName = "Test" });
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}";
        builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        builder.AddLeadPlatformTelemetry();
        using var host = builder.Build();
        await host.StartAsync();
        using (LeadPlatformTelemetry.Source.StartActivity("otlp probe"))
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpExportSpecs")
                .LogWarning("otlp-log-marker for {Email}", "edith.clark@example.com");
        }
        host.Services.GetRequiredService<TracerProvider>().ForceFlush(5000);
        host.Services.GetRequiredService<LoggerProvider>().ForceFlush(5000);
        await host.StopAsync();
        await receiver.StopAsync();

        Assert.That(received.Select(r => r.Signal), Does.Contain("traces").And.Contain("logs"));
        var logs = string.Concat(received.Where(r => r.Signal == "logs").Select(r => r.Body));
        Assert.That(logs, Does.Contain("otlp-log-marker").And.Not.Contain("edith.clark"), "exported logs are masked");
    }
}
