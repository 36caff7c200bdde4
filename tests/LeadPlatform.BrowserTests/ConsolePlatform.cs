using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.OperatorConsole;
using LeadPlatform.Testing;

namespace LeadPlatform.BrowserTests;

/// <summary>
/// The real ingestion, disposition, Enquire connector, CRM sandbox and console (<see cref="TestPlatform"/>), with one
/// admin key per role.
/// </summary>
public sealed class ConsolePlatform : TestPlatform
{
    public const string OperatorKey = "browser-specs-operator-key-0001";
    public const string ViewerKey = "browser-specs-viewer-key-00001";
    public const string AccountViewerKey = "browser-specs-acme-viewer-key-01";
    public const string Account = "acme-senior";
    public const string OtherAccount = "other-senior";
    public const string WebhookSecret = "browser-specs-webhook-secret-0123456789abcdef";
    public const string TraceViewerUrl = "http://traces.example.test/trace/{traceId}";
    private const string RoobrikKey = "browser-specs-roobrik-api-key-1";

    private ConsolePlatform(TestPlatform started) : base(started)
    {
    }

    public InProcessService Console => Service("console");
    public new SandboxClient Sandbox => SandboxApi;
    public Uri SandboxAddress => base.Sandbox.BaseAddress;

    public static async Task<ConsolePlatform> StartAsync()
    {
        var started = await Create("browser")
            .WithSettings(new Dictionary<string, string?>
            {
                ["Admin:Keys:ops:Key"] = OperatorKey,
                ["Admin:Keys:ops:Role"] = "operator",
                ["Admin:Keys:watch:Key"] = ViewerKey,
                ["Admin:Keys:watch:Role"] = "viewer",
                ["Admin:Keys:acme-bi:Key"] = AccountViewerKey,
                ["Admin:Keys:acme-bi:Role"] = "viewer",
                ["Admin:Keys:acme-bi:AccountId"] = Account,
            })
            .WithSandbox()
            .WithIngestion(s => s.AsAdmin())
            // A CRM that is down fails a delivery within seconds, so a test can replay it; the circuit never opens.
            .WithConnector(Crm.Enquire, s => s.Set("Connector:GiveUpAfter", "00:00:02").Set("Connector:CircuitBreakerFailures", "1000").Unset("Connector:Lease"))
            .WithDisposition(s => s.Set("Disposition:IngestionUrl", p => p.Ingestion.BaseAddress.ToString()))
            // Named after its assembly: MVC finds Razor Pages in the application's own assembly.
            .WithService("console", b => b.AddOperatorConsole(), a => a.MapOperatorConsole(), s => s.Named("LeadPlatform.Console")
                .Set("Console:IngestionUrl", p => p.Ingestion.BaseAddress.ToString())
                .Set("Console:DispositionUrl", p => p.Disposition.BaseAddress.ToString())
                .Set("Console:TraceViewerUrl", TraceViewerUrl))
            .StartAsync();
        var platform = new ConsolePlatform(started);
        await platform.PutSourceKeyAsync("roobrik", RoobrikKey, "*");
        foreach (var account in new[] { Account, OtherAccount })
        {
            await platform.PutIntegrationAsync($"{account}-enquire", new
            {
                accountId = account,
                crm = "enquire",
                endpoint = new Uri(platform.Service(SandboxRole).BaseAddress, Crm.Enquire.SandboxPath).ToString(),
                directions = new[] { "outbound", "inbound-push" },
                credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key", ["webhookSecret"] = WebhookSecret },
                settings = new { },
            });
        }
        return platform;
    }

    /// <summary>Submits a lead as source roobrik and returns its id.</summary>
    public async Task<Guid> SubmitAsync(string accountId, string sourceLeadId, string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads")
        {
            Content = JsonContent.Create(new
            {
                source = "roobrik", sourceLeadId, accountId, conversion = "sales-opt-in", occurredAt = DateTimeOffset.UtcNow,
                prospect = new { firstName = "Edith", lastName = "Clark", email },
            }),
        };
        using var client = ClientWithKey(RoobrikKey);
        using var response = await client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
    }

    /// <summary>Submits leads while the sandbox's Enquire is down and waits until each delivery is given up as failed.</summary>
    public async Task<IReadOnlyList<Guid>> SubmitWhileCrmIsDownAsync(string accountId, params (string SourceLeadId, string Email)[] leads)
    {
        await Sandbox.FaultAsync(new { crm = "enquire", mode = "down" });
        try
        {
            var ids = new List<Guid>();
            foreach (var (sourceLeadId, email) in leads)
            {
                ids.Add(await SubmitAsync(accountId, sourceLeadId, email));
            }
            foreach (var leadId in ids)
            {
                await Eventually.UntilAsync(() => LeadAsync(leadId),
                    l => l.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() == "failed"),
                    TimeSpan.FromSeconds(30), "the delivery to be given up as failed while the CRM is down");
            }
            return ids;
        }
        finally
        {
            await Sandbox.ClearFaultsAsync();
        }
    }

    /// <summary>The lead as ingestion's <c>GET /v1/leads/{id}</c> shows it to an admin.</summary>
    public Task<JsonElement> LeadAsync(Guid leadId) => Ingestion.Client.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");

    /// <summary>How many records the sandbox's Enquire holds for the email.</summary>
    public async Task<int> EnquireRecordsAsync(string email) =>
        (await Sandbox.RecordsAsync("enquire")).Count(r => r.Fields.ToJsonString().Contains(email, StringComparison.OrdinalIgnoreCase));

    /// <summary>The sandbox's Enquire pushes a signed status for the lead's record to disposition, as a CRM does.</summary>
    public async Task PushStatusAsync(Guid leadId, string status)
    {
        var lead = await LeadAsync(leadId);
        var recordId = lead.GetProperty("deliveries")[0].GetProperty("recordIds").GetProperty("prospect").GetString();
        using var emitted = await Service(SandboxRole).Client.PostAsJsonAsync("sandbox/dispositions", new
        {
            crm = "enquire", recordId, status,
            push = new { url = new Uri(Disposition.BaseAddress, $"v1/dispositions/{Account}-enquire").ToString(), secret = WebhookSecret },
        });
        var answer = await emitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("statusCode").GetInt32(), Is.EqualTo(200), answer.ToString());
    }

    /// <summary>Waits until the lead's delivery is delivered and the delivery shows on its timeline.</summary>
    public async Task WaitDeliveredAsync(Guid leadId)
    {
        await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/leads/{leadId}/timeline");
            request.Headers.Add("X-Admin-Key", AdminKey);
            using var response = await Disposition.Client.SendAsync(request);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"delivered\"", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), $"lead {leadId} delivered and on its timeline");
    }
}
