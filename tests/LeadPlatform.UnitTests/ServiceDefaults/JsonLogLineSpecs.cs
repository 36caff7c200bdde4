using System.Text.Json;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

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

    [Test]
    public void Lines_of_any_length_one_after_another_and_on_many_threads_are_each_whole_and_only_themselves()
    {
        // The formatter reuses a buffer per thread: a long line must not leave bytes behind in the next, shorter one.
        var formatter = new RedactingJsonConsoleFormatter(new FixedOptions(new JsonConsoleFormatterOptions { TimestampFormat = "O" }));
        string Message(string line) => JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString()!;
        string Line(string message)
        {
            var writer = new StringWriter();
            formatter.Write(new LogEntry<string>(LogLevel.Information, "LogLineSpecs", new EventId(7), message, null, (m, _) => m), null, writer);
            return writer.ToString();
        }

        string[] inOrder = ["short", new string('x', 40_000) + " long, past the kept buffer", "after the long one", "ünïcödé ✓, then short again"];
        foreach (var message in inOrder)
        {
            var line = Line(message);
            Assert.That(line, Does.EndWith(Environment.NewLine));
            Assert.That(line.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "one line");
            Assert.That(Message(line), Is.EqualTo(message));
        }
        var concurrent = new string[400];
        Parallel.For(0, concurrent.Length, i => concurrent[i] = Line($"line {i} " + new string('y', i % 7 * 3_000)));
        Assert.That(concurrent.Select(Message), Is.EqualTo(Enumerable.Range(0, concurrent.Length).Select(i => $"line {i} " + new string('y', i % 7 * 3_000))));
    }

    private sealed class FixedOptions(JsonConsoleFormatterOptions value) : IOptionsMonitor<JsonConsoleFormatterOptions>
    {
        public JsonConsoleFormatterOptions CurrentValue => value;
        public JsonConsoleFormatterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<JsonConsoleFormatterOptions, string?> listener) => null;
    }
}
