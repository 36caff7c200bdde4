using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Adf;

/// <summary>
/// Ingestion, the ADF connector, the sandbox and the notifications service (<see cref="TestPlatform"/>), with two
/// local SMTP servers: one playing the dealers' mail servers, one the notification relay.
/// </summary>
public sealed class AdfPlatform : TestPlatform
{
    private AdfPlatform(TestPlatform started, LocalSmtpServer dealerSmtp, LocalSmtpServer notificationSmtp) : base(started)
    {
        DealerSmtp = dealerSmtp;
        NotificationSmtp = notificationSmtp;
    }

    public LocalSmtpServer DealerSmtp { get; }
    public LocalSmtpServer NotificationSmtp { get; }

    public static async Task<AdfPlatform> StartAsync(string purpose)
    {
        var dealerSmtp = LocalSmtpServer.Start();
        var notificationSmtp = LocalSmtpServer.Start();
        var started = await Create(purpose)
            .Owning(dealerSmtp)
            .WithSandbox()
            .WithIngestion(s => s.AsAdmin())
            .WithConnector(Crm.Adf, s => s.Set("Connector:RequestTimeout", "00:00:05"))
            .WithNotifications(notificationSmtp, s => s.Set("Notifications:From", "LeadPlatform <leads@leadplatform.example>"))
            .StartAsync();
        return new AdfPlatform(started, dealerSmtp, notificationSmtp);
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
            endpoint = new Uri(Sandbox.BaseAddress, Crm.Adf.SandboxPath).ToString(),
            settings = new { delivery = "http", vendor = new { name = "Acme Motors", phone = "555-0199" } },
        });
}
