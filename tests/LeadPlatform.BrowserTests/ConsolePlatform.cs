using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Enquire;
using LeadPlatform.Disposition;
using LeadPlatform.Ingestion;
using LeadPlatform.OperatorConsole;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.BrowserTests;

/// <summary>
/// The real ingestion, disposition, Enquire connector, CRM sandbox and console hosted in the test process on free
/// ports, on a RabbitMQ virtual host and a database of their own, with one admin key per role.
/// </summary>
public sealed class ConsolePlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;
    public const string OperatorKey = "browser-specs-operator-key-0001";
    public const string ViewerKey = "browser-specs-viewer-key-00001";
    public const string AccountViewerKey = "browser-specs-acme-viewer-key-01";
    public const string Account = "acme-senior";
    public const string OtherAccount = "other-senior";
    public const string WebhookSecret = "browser-specs-webhook-secret-0123456789abcdef";
    public const string TraceViewerUrl = "http://traces.example.test/trace/{traceId}";
    private const string RoobrikKey = "browser-specs-roobrik-api-key-1";

    private readonly List<InProcessService> _services = [];
    public required IsolatedEnvironment Environment { get; init; }
    public InProcessService Ingestion => _services[1];
    public InProcessService Disposition => _services[3];
    public InProcessService Console => _services[4];
    public SandboxClient Sandbox => new(_services[0].Client);
    public Uri SandboxAddress => _services[0].BaseAddress;

    public static async Task<ConsolePlatform> StartAsync()
    {
        var environment = await IsolatedEnvironment.CreateAsync("browser");
        var platform = new ConsolePlatform { Environment = environment };
        var config = environment.ServiceConfiguration();
        config["Admin:Keys:ops:Key"] = OperatorKey;
        config["Admin:Keys:ops:Role"] = "operator";
        config["Admin:Keys:watch:Key"] = ViewerKey;
        config["Admin:Keys:watch:Role"] = "viewer";
        config["Admin:Keys:acme-bi:Key"] = AccountViewerKey;
        config["Admin:Keys:acme-bi:Role"] = "viewer";
        config["Admin:Keys:acme-bi:AccountId"] = Account;

        var sandbox = await platform.StartAsync("sandbox", config, b => b.AddSandbox(), a => a.MapSandbox());
        var ingestion = await platform.StartAsync("ingestion", config, b => b.AddIngestion(), a => a.MapIngestion());
        var connectorConfig = new Dictionary<string, string?>(config)
        {
            ["Connector:RequestTimeout"] = "00:00:02",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:RetryPollInterval"] = "00:00:00.500",
            // A CRM that is down fails a delivery within seconds, so a test can replay it; the circuit never opens.
            ["Connector:GiveUpAfter"] = "00:00:02",
            ["Connector:CircuitBreakerFailures"] = "1000",
        };
        await platform.StartAsync("connector-enquire", connectorConfig, b => b.AddConnector<EnquireConnector>(EnquireConnector.Name), _ => { });
        var dispositionConfig = new Dictionary<string, string?>(config) { ["Disposition:IngestionUrl"] = ingestion.BaseAddress.ToString() };
        await platform.StartAsync("disposition", dispositionConfig, b => b.AddDisposition(), a => a.MapDisposition());
        var consoleConfig = new Dictionary<string, string?>
        {
            ["Console:IngestionUrl"] = ingestion.BaseAddress.ToString(),
            ["Console:DispositionUrl"] = platform.Disposition.BaseAddress.ToString(),
            ["Console:TraceViewerUrl"] = TraceViewerUrl,
        };
        // Named after its assembly: MVC finds Razor Pages in the application's own assembly.
        await platform.StartAsync("LeadPlatform.Console", consoleConfig, b => b.AddOperatorConsole(), a => a.MapOperatorConsole());
        foreach (var service in platform._services)
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        ingestion.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        await platform.PutAsync($"v1/source-keys/roobrik", new { key = RoobrikKey, accounts = new[] { "*" } });
        foreach (var account in new[] { Account, OtherAccount })
        {
            await platform.PutAsync($"v1/integrations/{account}-enquire", new
            {
                accountId = account,
                crm = "enquire",
                endpoint = new Uri(sandbox.BaseAddress, "enquire/v1").ToString(),
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
        request.Headers.Add("X-Api-Key", RoobrikKey);
        using var client = new HttpClient { BaseAddress = Ingestion.BaseAddress };
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
        using var emitted = await _services[0].Client.PostAsJsonAsync("sandbox/dispositions", new
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

    private async Task<InProcessService> StartAsync(string name, IDictionary<string, string?> config, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> add, Action<Microsoft.AspNetCore.Builder.WebApplication> map)
    {
        var service = await InProcessService.StartAsync(name, config,
            b => { b.AddServiceDefaults(); add(b); },
            a => { a.MapDefaultEndpoints(); map(a); });
        _services.Add(service);
        return service;
    }

    private async Task PutAsync(string path, object body)
    {
        using var response = await Ingestion.Client.PutAsJsonAsync(path, body);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _services.Count - 1; i >= 0; i--)
        {
            await _services[i].DisposeAsync();
        }
        await Environment.DisposeAsync();
    }
}
