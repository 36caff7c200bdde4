using System.Collections.Concurrent;
using System.Diagnostics;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>What every service gets from <c>AddLeadPlatformTelemetry</c>: trace ids on logs, masked URLs.</summary>
[TestFixture]
public class TelemetryDefaultsSpecs
{
    [Test]
    public async Task A_log_written_inside_a_span_carries_its_trace_and_span_ids()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "log-probe", EnvironmentName = "Test" });
        builder.AddLeadPlatformTelemetry();
        var capture = new ScopeCapture();
        builder.Logging.AddProvider(capture);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var logger = host.Services.GetRequiredService<ILogger<TelemetryDefaultsSpecs>>();
            using (var span = LeadPlatformTelemetry.Source.StartActivity("log probe"))
            {
                Assert.That(span, Is.Not.Null, "the service's tracer provider listens to the LeadPlatform source");
                logger.LogWarning("probe inside a span");
                Assert.That(capture.Scopes, Does.ContainKey("TraceId").WithValue(span!.TraceId.ToString()));
                Assert.That(capture.Scopes, Does.ContainKey("SpanId").WithValue(span.SpanId.ToString()));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task A_span_started_for_a_lead_later_links_to_the_leads_trace()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "link-probe", EnvironmentName = "Test" });
        builder.AddLeadPlatformTelemetry();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            const string leadTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            using var span = LeadTraceLinks.StartLinked("disposition apply", leadTrace);
            Assert.That(span, Is.Not.Null);
            Assert.That(span!.Links.Select(l => l.Context.TraceId.ToString()), Is.EqualTo(new[] { "4bf92f3577b34da6a3ce929d0e0e4736" }));
            Assert.That(span.TraceId.ToString(), Is.Not.EqualTo("4bf92f3577b34da6a3ce929d0e0e4736"), "a trace of its own");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [TestCase("http://crm/individuals?externalId=lp-1&email=a%40b.com&phone=555", "http://crm/individuals?externalId=***&email=***&phone=***")]
    [TestCase("http://crm/individuals/42/reports", "http://crm/individuals/42/reports")]
    [TestCase("http://crm/x?flag#frag", "http://crm/x?flag=***")]
    public void Urls_keep_their_query_parameter_names_but_lose_the_values(string url, string expected) =>
        Assert.That(TelemetryRedaction.WithoutQueryValues(url), Is.EqualTo(expected));

    [Test]
    public void Email_addresses_in_free_text_are_masked() =>
        Assert.That(TelemetryRedaction.MaskEmails("Enquire answered 400: jane.doe+x@mail.example.org exists"),
            Is.EqualTo("Enquire answered 400: *** exists"));

    /// <summary>A logger provider that, like the JSON console with IncludeScopes, reads the scopes around each log.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;
        public ConcurrentDictionary<string, string?> Scopes { get; } = new();

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._scopes?.ForEachScope((scope, _) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    {
                        foreach (var (key, value) in values)
                        {
                            owner.Scopes[key] = value?.ToString();
                        }
                    }
                }, (object?)null);
        }
    }
}
