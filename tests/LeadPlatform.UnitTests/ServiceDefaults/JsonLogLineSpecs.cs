using System.Text.Json;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>The console log lines every service writes: one JSON object each, with what an SRE needs to find its trace.</summary>
[TestFixture]
[NonParallelizable]
public class JsonLogLineSpecs
{
    [Test]
    public async Task A_log_line_written_in_a_span_has_a_UTC_timestamp_level_message_and_the_spans_trace_and_span_ids()
    {
        var original = Console.Out;
        var console = new StringWriter();
        string traceId, spanId;
        Console.SetOut(console);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "log-line-specs", EnvironmentName = "Test" });
            builder.Logging.ClearProviders();
            builder.AddLeadPlatformTelemetry();
            using var host = builder.Build();
            await host.StartAsync();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LogLineSpecs");
            using (var activity = LeadPlatformTelemetry.Source.StartActivity("log line spec"))
            {
                Assert.That(activity, Is.Not.Null, "the service's tracer provider listens to the LeadPlatform source");
                traceId = activity!.TraceId.ToHexString();
                spanId = activity.SpanId.ToHexString();
                logger.LogInformation("Delivered lead {LeadId}", "lead-for-log-spec");
            }
            await host.StopAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        var line = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Single(l => l.Contains("lead-for-log-spec", StringComparison.Ordinal));
        var json = JsonDocument.Parse(line).RootElement;
        var timestamp = json.GetProperty("Timestamp").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(timestamp, Does.EndWith("Z"));
            Assert.That(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow,
                Is.LessThan(TimeSpan.FromMinutes(1)).And.GreaterThan(TimeSpan.FromMinutes(-1)), "UTC, not local time");
            Assert.That(json.GetProperty("LogLevel").GetString(), Is.EqualTo("Information"));
            Assert.That(json.GetProperty("Message").GetString(), Is.EqualTo("Delivered lead lead-for-log-spec"));
            var scopes = json.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.That(scopes.Any(s => s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId), Is.True, line);
            Assert.That(scopes.Any(s => s.TryGetProperty("SpanId", out var t) && t.GetString() == spanId), Is.True, line);
        });
    }
}
