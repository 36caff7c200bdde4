using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Support;

/// <summary>
/// Ingestion, the Enquire connector and the CRM sandbox (<see cref="TestPlatform"/>), with the API key of source
/// <c>roobrik</c> sent by default on <see cref="TestPlatform.Ingestion"/>'s client.
/// </summary>
public sealed class InProcessPlatform : TestPlatform
{
    /// <summary>The API key of source <c>roobrik</c> (any account).</summary>
    public const string RoobrikApiKey = "test-roobrik-api-key-0001";

    private InProcessPlatform(TestPlatform started) : base(started)
    {
    }

    public InProcessService Enquire => Connector(Crm.Enquire);

    /// <param name="brokerUsers">Each service connects as its own user of <c>build/broker-users.sh</c>.</param>
    /// <param name="more">More services (disposition, notifications, …).</param>
    public static async Task<InProcessPlatform> StartAsync(string purpose, IDictionary<string, string?>? connectorSettings = null,
        bool brokerUsers = false, Action<TestPlatformBuilder>? more = null)
    {
        var builder = Create(purpose).WithSandbox().WithIngestion().WithConnector(Crm.Enquire, s => s.Set(connectorSettings));
        if (brokerUsers)
        {
            builder.WithBrokerUsers();
        }
        more?.Invoke(builder);
        var platform = new InProcessPlatform(await builder.StartAsync());
        await platform.UseSourceKeyAsync("roobrik", RoobrikApiKey, "*");
        return platform;
    }

    /// <summary>An Enquire integration for the account, pointed at this platform's sandbox.</summary>
    public Task PutEnquireIntegrationAsync(string id, string accountId, object? settings = null) =>
        PutSandboxIntegrationAsync(id, accountId, Crm.Enquire, settings);
}
