using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// A smaller share of the generated inputs of the in-process property tests (InputFuzzSpecs), through the real service:
/// over HTTP every one answers a 2xx or a 4xx, and on the broker every refused message reaches the error queue as a
/// refusal (LeadRejectedException, or a body that is not a SubmitLead), never as a retried failure. Seeded: a failure reproduces.
/// </summary>
[TestFixture, Category("Security")]
public class InputFuzzOverHttpSpecs
{
    private const string RoobrikKey = "roobrik-key-0123456789";
    private const string VendorKey = "vendor-key-0123456789";
    private const int OverHttp = 400;
    private const int OverBroker = 250;
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("inputfuzz");
        await _host.PutSourceKeyAsync("roobrik", RoobrikKey, "acme-senior");
        await _host.PutSourceKeyAsync("vendor", VendorKey, "acme-auto");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        await _host.PutIntegrationAsync("acme-auto-adf", new { accountId = "acme-auto", crm = "adf" });
        await _host.PutProgramRuleAsync("kia", new { accountId = "acme-auto", makes = new[] { "Kia" } });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    private async Task AssertAnswersAsync(string apiKey, string path, string mediaType, IEnumerable<byte[]> inputs, int seed)
    {
        using var client = _host.ClientWithKey(apiKey);
        var statuses = new List<(int Index, int Status, string Body)>();
        using var gate = new SemaphoreSlim(8);
        var sends = inputs.Select(async (body, index) =>
        {
            await gate.WaitAsync();
            try
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                using var response = await client.PostAsync(path, content);
                lock (statuses)
                {
                    statuses.Add((index, (int)response.StatusCode, Encoding.UTF8.GetString(body)));
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(sends.ToList());

        var failed = statuses.Where(s => s.Status >= 500).ToList();
        Assert.That(failed, Is.Empty, $"seed {seed}: " + string.Join("\n", failed.Take(3).Select(f => $"input {f.Index} answered {f.Status}: {f.Body}")));
        Assert.That(statuses.Count(s => s.Status == 202), Is.GreaterThan(0), "some inputs must be accepted");
    }

    [Test]
    public Task JSON_intake_over_HTTP_never_answers_5xx() =>
        AssertAnswersAsync(RoobrikKey, "v1/leads", "application/json", new InputFuzz(26_07).JsonLeads(OverHttp), 26_07);

    [Test]
    public Task ADF_intake_over_HTTP_never_answers_5xx() =>
        AssertAnswersAsync(VendorKey, "v1/leads/adf", "application/xml", new InputFuzz(26_08).AdfDocuments(OverHttp), 26_08);

    [Test]
    public async Task Broker_intake_refuses_bad_raw_JSON_without_a_retried_failure()
    {
        const string queue = "ingestion-submit-lead";
        await Eventually.UntilAsync(async () => await _host.Environment.QueueDepthAsync(queue) is not null, TimeSpan.FromSeconds(15), $"queue {queue}");
        foreach (var body in new InputFuzz(26_10).BrokerMessages(OverBroker))
        {
            await PublishBytesAsync(queue, body);
        }

        // The management API's counts lag by a few seconds: look only once they include what was just published.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await Eventually.UntilAsync(async () => await _host.Environment.QueueDepthAsync(queue) == 0, TimeSpan.FromSeconds(90), "the queue to drain");
        var faults = await Eventually.UntilAsync(() => FaultTypesAsync($"{queue}_error"), f => f.Count > 0, TimeSpan.FromSeconds(15), "refused messages");

        // Refused: the consumer's LeadRejectedException, or a body MassTransit could not read as a SubmitLead (thrown before
        // any platform code ran). Neither is retried. A database or platform failure would be retried and name our code.
        Assert.That(faults.Where(f => f.Retries > 0 || (f.Type != typeof(LeadRejectedException).FullName && f.Stack.Contains("LeadPlatform.", StringComparison.Ordinal)))
                .Select(f => $"{f.Type} after {f.Retries} retries: {f.Stack}"),
            Is.Empty, "seed 2610: only refusals may reach the error queue");
        Assert.That((await _host.CountsAsync()).Leads, Is.GreaterThan(0), "some messages must be accepted");
    }

    private static readonly HttpClient Management = new()
    {
        BaseAddress = new Uri(TestServers.RabbitManagement.TrimEnd('/') + "/"),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest"))) },
    };

    /// <summary>Any bytes, as a non-.NET publisher could send them (base64 through the management API).</summary>
    private async Task PublishBytesAsync(string queue, byte[] body)
    {
        using var response = await Management.PostAsJsonAsync($"api/exchanges/{Uri.EscapeDataString(_host.Environment.Name)}/amq.default/publish", new
        {
            properties = new { delivery_mode = 2, content_type = "application/json" },
            routing_key = queue,
            payload = Convert.ToBase64String(body),
            payload_encoding = "base64",
        });
        response.EnsureSuccessStatusCode();
    }

    private async Task<IReadOnlyList<(string Type, int Retries, string Stack)>> FaultTypesAsync(string queue)
    {
        var messages = await _host.Tap.PeekAsync(queue);
        return messages.Select(m => (Header(m.Headers, "MT-Fault-ExceptionType") ?? "(no fault header)",
            int.TryParse(Header(m.Headers, "MT-Fault-RetryCount"), out var retries) ? retries : 0,
            Header(m.Headers, "MT-Fault-StackTrace") ?? "")).ToList();
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
