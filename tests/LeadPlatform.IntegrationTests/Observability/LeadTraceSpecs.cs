using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>One lead, one trace: HTTP intake → outbox relay → RabbitMQ → connector → CRM HTTP, with no personal data.</summary>
[TestFixture]
public class LeadTraceSpecs
{
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await ObservedPlatform.StartAsync("traces");
        await _platform.PutEnquireIntegrationAsync("trace-enquire", "trace-account");
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    [Test]
    public async Task A_leads_spans_from_intake_to_the_CRM_call_share_one_trace_with_its_attributes_and_no_personal_data()
    {
        var email = $"zelda.{Guid.NewGuid():N}"[..20] + "@example.com";
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", $"trace-{Guid.NewGuid():N}", "trace-account", email, phone: "555-0199", contactPhone: "555-0142"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;

        // The deliver span ends after the outcome is published; the CRM calls end inside it.
        var spans = await Eventually.UntilAsync(
            () => Task.FromResult(_platform.Spans),
            all => all.Any(s => s.DisplayName == "deliver enquire" && Tag(s, "lead.id") == leadId),
            TimeSpan.FromSeconds(20), "the connector's deliver span");

        var intake = spans.Single(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore" && Tag(s, "lead.id") == leadId);
        var trace = spans.Where(s => s.TraceId == intake.TraceId).ToList();
        var relay = trace.Single(s => s.DisplayName == "outbox relay");
        var consume = trace.Where(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer).ToList();
        var deliver = trace.Single(s => s.DisplayName == "deliver enquire");
        var crmCalls = trace.Where(s => s.Kind == ActivityKind.Client && Tag(s, "url.full")?.Contains("/enquire/v1/", StringComparison.Ordinal) == true).ToList();
        var sandboxServer = trace.Where(s => s.Kind == ActivityKind.Server && Tag(s, "url.path")?.StartsWith("/enquire/v1/", StringComparison.Ordinal) == true).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(Tags(intake), Does.ContainKey("lead.source").WithValue("roobrik"));
            Assert.That(Tags(intake), Does.ContainKey("account.id").WithValue("trace-account"));
            Assert.That(Tags(relay), Does.ContainKey("lead.id").WithValue(leadId));
            Assert.That(consume, Is.Not.Empty, "MassTransit consume span in the connector, continuing the trace from the message headers");
            foreach (var (tag, value) in new[] { ("lead.id", leadId), ("lead.source", "roobrik"), ("account.id", "trace-account"), ("integration.id", "trace-enquire"), ("crm", "enquire") })
            {
                Assert.That(Tags(deliver), Does.ContainKey(tag).WithValue(value), $"deliver span {tag}");
            }
            Assert.That(crmCalls, Is.Not.Empty, "outgoing CRM HTTP spans in the lead's trace");
            Assert.That(crmCalls.All(c => Tag(c, "lead.id") == leadId && Tag(c, "integration.id") == "trace-enquire"), Is.True,
                "CRM calls inherit the lead attributes");
            Assert.That(crmCalls.All(c => IsInside(c, deliver, trace)), Is.True, "CRM calls are children of the deliver span");
            Assert.That(sandboxServer, Is.Not.Empty, "the CRM (sandbox) continues the trace from the HTTP headers");
        });

        var personal = new[] { "Zelda", "Quimby", "Ottilie", email, "contact." + email, "555-0199", "5550199", "555-0142", "lake" };
        var leaks = spans.SelectMany(s => Strings(s).Select(text => (Span: s.DisplayName, Text: text)))
            .Where(x => personal.Any(p => x.Text.Contains(p, StringComparison.OrdinalIgnoreCase) || x.Text.Contains(Uri.EscapeDataString(p), StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.That(leaks, Is.Empty, "personal data in spans: " + string.Join("; ", leaks.Take(5)));
        var urls = crmCalls.Select(c => Tag(c, "url.full")).ToList();
        Assert.That(urls, Has.Some.Contains("email=***"), "the connector looked the person up by email, masked");
        Assert.That(urls, Has.None.Match("(email|phone)=[^*&]"), "lookup query values are masked");
    }

    [Test]
    public async Task Logs_of_a_lead_carry_trace_ids_and_no_personal_data()
    {
        var email = $"logcheck.{Guid.NewGuid():N}"[..22] + "@example.com";
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", $"log-{Guid.NewGuid():N}", "trace-account", email, firstName: "Wilhelmina", lastName: "Xanthopoulos"));
        var leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
        await Eventually.UntilAsync(() => Task.FromResult(_platform.Spans),
            all => all.Any(s => s.DisplayName == "deliver enquire" && Tag(s, "lead.id") == leadId), TimeSpan.FromSeconds(20), "delivery");

        var logs = string.Join('\n', Directory.GetFiles(RepoPaths.LogDir("in-process"), "*.log").Select(ReadShared));
        Assert.That(logs, Does.Not.Contain(email).And.Not.Contain("Xanthopoulos").And.Not.Contain("Wilhelmina"));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static bool IsInside(Activity span, Activity ancestor, List<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var current = span; current is not null; current = byId.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }
        return false;
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static Dictionary<string, string?> Tags(Activity span) => span.TagObjects.ToDictionary(t => t.Key, t => t.Value?.ToString());

    /// <summary>Every text a span exports: name, tag values, status, event and link attributes, baggage.</summary>
    private static IEnumerable<string> Strings(Activity span) =>
        new[] { span.DisplayName, span.StatusDescription ?? "" }
            .Concat(span.TagObjects.Select(t => t.Value?.ToString() ?? ""))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString() ?? "").Append(e.Name)))
            .Concat(span.Links.SelectMany(l => l.Tags?.Select(t => t.Value?.ToString() ?? "") ?? []))
            .Concat(span.Baggage.Select(b => b.Value ?? ""));
}
