using System.Collections.Concurrent;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>Setting <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is all a service needs to send its spans over OTLP.</summary>
[TestFixture]
public class OtlpExportSpecs
{
    [Test]
    public async Task With_an_OTLP_endpoint_configured_a_services_spans_are_sent_to_it()
    {
        var received = new ConcurrentQueue<string>();
        var port = FreePort.Next();
        var collector = WebApplication.CreateBuilder();
        collector.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var receiver = collector.Build();
        receiver.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
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
        }
        host.Services.GetRequiredService<TracerProvider>().ForceFlush(5000);
        await host.StopAsync();
        await receiver.StopAsync();

        Assert.That(received, Does.Contain("traces"));
    }
}
