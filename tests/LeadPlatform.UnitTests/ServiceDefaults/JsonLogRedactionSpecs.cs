using System.Text.Json;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// The JSON console log of every service (the operator console included: it is built on the same service defaults)
/// masks emails and phones in the message, the state, the scopes and the exception, as exported logs do.
/// </summary>
[TestFixture]
[NonParallelizable]
public class JsonLogRedactionSpecs
{
    [Test]
    public async Task A_console_log_line_masks_emails_and_phones_everywhere_and_stays_one_JSON_object()
    {
        var original = Console.Out;
        var console = new StringWriter();
        Console.SetOut(console);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "log-redaction-specs", EnvironmentName = "Test" });
            builder.Logging.ClearProviders();
            builder.AddLeadPlatformTelemetry();
            using var host = builder.Build();
            await host.StartAsync();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LogRedactionSpecs");
            using (logger.BeginScope(new Dictionary<string, object?> { ["Search"] = "edith.clark@example.com" }))
            {
                logger.LogWarning(new InvalidOperationException("CRM said: duplicate edith.clark%40example.com"),
                    "Search {Marker} for {Email} at {Phone} took {Ms} ms", "redaction-spec", "edith.clark@example.com", "+1 (555) 010-0199", 12);
            }
            await host.StopAsync();
        }
        finally
        {
            Console.SetOut(original);
        }

        var line = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Single(l => l.Contains("redaction-spec", StringComparison.Ordinal));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Not.Contain("edith.clark").And.Not.Contain("555").And.Not.Contain("0199"));
            Assert.That(json.GetProperty("LogLevel").GetString(), Is.EqualTo("Warning"));
            Assert.That(json.GetProperty("Message").GetString(), Is.EqualTo("Search redaction-spec for *** at *** took 12 ms"));
            Assert.That(json.GetProperty("State").GetProperty("Email").GetString(), Is.EqualTo("***"));
            Assert.That(json.GetProperty("State").GetProperty("Ms").GetInt32(), Is.EqualTo(12));
            Assert.That(json.GetProperty("Exception").GetString(), Does.Contain("CRM said: duplicate ***"));
            Assert.That(json.GetProperty("Scopes").EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("Search", out var v) && v.GetString() == "***"), Is.True, line);
        });
    }
}
