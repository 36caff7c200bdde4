using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>
/// Traces without Docker: the trace viewer of <c>build/up.sh --traces</c> (the .NET Aspire dashboard from its NuGet
/// package, installed by build/traces.sh) receives a lead's trace over OTLP, with the services named as the docs say.
/// </summary>
[TestFixture]
public class TraceViewerSpecs
{
    private Process? _viewer;
    private HttpClient _api = null!;
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartViewerAndPlatform()
    {
        var (uiPort, otlpPort) = (FreePort.Next(), FreePort.Next());
        var executable = Bash("source build/traces.sh && lp_traces_install").Trim().Split('\n')[^1];
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{uiPort}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpPort}";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        _viewer = Process.Start(start)!;
        _viewer.OutputDataReceived += (_, _) => { };
        _viewer.ErrorDataReceived += (_, _) => { };
        _viewer.BeginOutputReadLine();
        _viewer.BeginErrorReadLine();
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{uiPort}/") };
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await _api.GetAsync("api/telemetry/resources")).StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the trace viewer to answer");

        _platform = await ObservedPlatform.StartAsync("trace-viewer", serviceSettings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{otlpPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        });
        await _platform.PutEnquireIntegrationAsync("viewer-enquire", "viewer-account");
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _platform.DisposeAsync();
        _api.Dispose();
        if (_viewer is { HasExited: false })
        {
            _viewer.Kill(entireProcessTree: true);
            await _viewer.WaitForExitAsync();
        }
        _viewer?.Dispose();
    }

    [Test]
    public async Task The_viewer_receives_a_leads_trace_and_knows_the_services_by_their_documented_names()
    {
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", $"viewer-{Guid.NewGuid():N}", "viewer-account", $"v.{Guid.NewGuid():N}"[..12] + "@example.com"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;

        // Spans reach the viewer in the exporters' batches (every few seconds).
        var trace = await Eventually.UntilAsync(async () => SpansOfLead(await _api.GetStringAsync("api/telemetry/spans"), leadId),
            spans => spans.Count >= 3, TimeSpan.FromSeconds(60), "the lead's trace in the viewer");

        // In one test process every host's exporter sees every span and the viewer keeps each span once, under whichever
        // service sent it first: the trace is whole, and the viewer knows each service by its documented name.
        Assert.That(trace.Select(s => s.GetProperty("traceId").GetString()).Distinct().Count(), Is.EqualTo(1), "one trace");
        string[] documented = ["ingestion", "connector-enquire", "sandbox"];
        var unknown = await Eventually.UntilAsync(async () =>
            {
                var names = Strings(JsonDocument.Parse(await _api.GetStringAsync("api/telemetry/resources")).RootElement).ToList();
                return documented.Where(n => !names.Contains(n)).ToList();
            },
            missing => missing.Count == 0, TimeSpan.FromSeconds(30), "the viewer to know every service by its documented name");
        Assert.That(unknown, Is.Empty);
    }

    /// <summary>The spans of the trace whose spans carry lead.id (OTLP JSON).</summary>
    private static List<JsonElement> SpansOfLead(string json, string leadId)
    {
        var spans = JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray()
            .SelectMany(Spans).Select(s => s.Clone()).ToList();
        var traces = spans.Where(s => Attribute(s, "lead.id") == leadId).Select(s => s.GetProperty("traceId").GetString()).ToHashSet();
        return spans.Where(s => traces.Contains(s.GetProperty("traceId").GetString())).ToList();
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };

    private static IEnumerable<JsonElement> Spans(JsonElement resource) =>
        resource.TryGetProperty("scopeSpans", out var scopes)
            ? scopes.EnumerateArray().SelectMany(s => s.TryGetProperty("spans", out var spans) ? spans.EnumerateArray() : Enumerable.Empty<JsonElement>())
            : [];

    private static string? Attribute(JsonElement span, string key) =>
        span.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().Where(a => a.GetProperty("key").GetString() == key)
                .Select(a => a.GetProperty("value").TryGetProperty("stringValue", out var v) ? v.GetString() : null).FirstOrDefault()
            : null;

    private static string Bash(string script)
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        if (!bash.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            bash.Kill(entireProcessTree: true);
            Assert.Fail("build/traces.sh did not install the viewer within 5 minutes");
        }
        Assert.That(bash.ExitCode, Is.EqualTo(0), $"build/traces.sh: {error.Result}");
        return output.Result;
    }
}
