using System.Net.Http.Json;
using LeadPlatform.Connectors;
using LeadPlatform.Connectors.Adf;
using LeadPlatform.Ingestion;
using LeadPlatform.Notifications;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Adf;

/// <summary>
/// Ingestion, the ADF connector, the sandbox and the notifications service hosted in the test process, with two
/// local SMTP servers: one playing the dealers' mail servers, one the notification relay.
/// </summary>
public sealed class AdfPlatform : IAsyncDisposable
{
    public const string AdminKey = IsolatedEnvironment.AdminKey;

    public required IsolatedEnvironment Environment { get; init; }
    public required LocalSmtpServer DealerSmtp { get; init; }
    public required LocalSmtpServer NotificationSmtp { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Ingestion { get; init; }
    public required InProcessService Adf { get; init; }
    public required InProcessService Notifications { get; init; }
    public SandboxClient SandboxApi => new(Sandbox.Client);

    public static async Task<AdfPlatform> StartAsync(string purpose)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var dealerSmtp = LocalSmtpServer.Start();
        var notificationSmtp = LocalSmtpServer.Start();
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = AdminKey;

        var sandbox = await InProcessService.StartAsync("adf-sandbox", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var ingestion = await InProcessService.StartAsync("adf-ingestion", config,
            b => { b.AddServiceDefaults(); b.AddIngestion(); },
            a => { a.MapDefaultEndpoints(); a.MapIngestion(); });
        var connectorConfig = new Dictionary<string, string?>(config)
        {
            ["Connector:RequestTimeout"] = "00:00:05",
            ["Connector:RetryBaseDelay"] = "00:00:01",
            ["Connector:RetryPollInterval"] = "00:00:00.500",
            ["Connector:Lease"] = "00:00:10",
        };
        var adf = await InProcessService.StartAsync("connector-adf", connectorConfig,
            b => { b.AddServiceDefaults(); b.AddConnector<AdfConnector>(AdfConnector.Name); },
            a => a.MapDefaultEndpoints());
        var notificationConfig = new Dictionary<string, string?>(config)
        {
            ["Notifications:From"] = "LeadPlatform <leads@leadplatform.example>",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = notificationSmtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Tls"] = "none",
        };
        var notifications = await InProcessService.StartAsync("notifications", notificationConfig,
            b => { b.AddServiceDefaults(); b.AddNotifications(); },
            a => a.MapDefaultEndpoints());

        // Tests submit as a trusted caller: the admin key is accepted on the lead endpoints like a source key.
        ingestion.Client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var platform = new AdfPlatform
        {
            Environment = environment, DealerSmtp = dealerSmtp, NotificationSmtp = notificationSmtp,
            Sandbox = sandbox, Ingestion = ingestion, Adf = adf, Notifications = notifications,
        };
        foreach (var service in new[] { sandbox, ingestion, adf, notifications })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        return platform;
    }

    /// <summary>An ADF integration that emails the dealer's lead address on <see cref="DealerSmtp"/>.</summary>
    public Task PutEmailIntegrationAsync(string id, string accountId, string to, string[]? notificationRecipients = null, int? smtpPort = null) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = "adf",
            settings = new
            {
                delivery = "email",
                email = new { host = "127.0.0.1", port = smtpPort ?? DealerSmtp.Port, tls = "none", from = "leads@leadplatform.example", to = new[] { to } },
                vendor = new { name = "Acme Motors", contactName = "Sales desk", email = "sales@acme.example" },
                notificationRecipients = notificationRecipients ?? [],
            },
        });

    /// <summary>An ADF integration that POSTs to the sandbox's ADF intake.</summary>
    public Task PutHttpIntegrationAsync(string id, string accountId) =>
        PutIntegrationAsync(id, new
        {
            accountId,
            crm = "adf",
            endpoint = new Uri(Sandbox.BaseAddress, "adf/v1/leads").ToString(),
            settings = new { delivery = "http", vendor = new { name = "Acme Motors", phone = "555-0199" } },
        });

    private async Task PutIntegrationAsync(string id, object integration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/integrations/{id}") { Content = JsonContent.Create(integration) };
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Notifications.DisposeAsync();
        await Adf.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Sandbox.DisposeAsync();
        await DealerSmtp.DisposeAsync();
        await NotificationSmtp.DisposeAsync();
        await Environment.DisposeAsync();
    }
}
