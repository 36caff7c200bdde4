using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LeadPlatform.ServiceDefaults;

/// <summary>The platform's own ActivitySource and Meter; every service's spans and metrics live under them.</summary>
public static class LeadPlatformTelemetry
{
    public const string Name = "LeadPlatform";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Where Prometheus scrapes every service (the OpenTelemetry Prometheus exporter), OTLP or not.</summary>
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddLeadPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // One JSON object a line: UTC timestamp, LogLevel, Message, and (in Scopes) the TraceId and SpanId of the active span;
        // emails and phones masked, as in exported logs (every service, the console included).
        builder.Logging.AddConsole(o => o.FormatterName = RedactingJsonConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<RedactingJsonConsoleFormatter, JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (exporting)
        {
            // Only for the exporter: without one, each log line would be formatted and masked again for nobody.
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
                o.AddProcessor(new LogRedactionProcessor());
            });
        }
        // Spans are recorded only for someone who takes them: the OTLP exporter, or a test's in-memory exporter
        // (Telemetry:RecordSpans). Otherwise they are created propagation-only (PropagationOnlySpans).
        var recordSpans = builder.Configuration.GetValue("Telemetry:RecordSpans", defaultValue: exporting);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(TelemetryServiceName.For(builder.Environment.ApplicationName, builder.Configuration["OTEL_SERVICE_NAME"])));
        if (recordSpans)
        {
            telemetry.WithTracing(t => t
                .AddSource(Name, DiagnosticHeaders.DefaultListenerName)
                .SetSampler(new IdlePollingSampler())
                .AddLeadPlatformSpanProcessors()
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health")
                    && !ctx.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation(TelemetryRedaction.ConfigureHttpClient)
                .AddNpgsql());
        }
        else
        {
            builder.Services.AddHostedService<PropagationOnlySpans>();
        }
        telemetry
            .WithMetrics(m => m
                // System.Runtime: .NET's own meter (GC, allocated bytes, thread pool, exceptions, lock contention).
                .AddMeter(Name, InstrumentationOptions.MeterName, "System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());

        if (exporting)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }
}
