using System.Net.Http.Json;
using Dapper;
using LeadPlatform.Integrations;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.IntegrationTests.Support;
using LeadPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Every service that keeps a copy of a lead, in-process: ingestion, the Enquire connector, the sandbox, disposition
/// and notifications (mailing a local SMTP server), on a vhost and database of their own; plus dumps of both.
/// </summary>
public sealed class ErasurePlatform : IAsyncDisposable
{
    public const string IntegrationId = "erase-enquire";
    public const string AccountId = "erase-senior";
    public const string WebhookSecret = "whsec-erase-enquire-0000001-0123456789abcdef";

    public required InProcessPlatform Platform { get; init; }
    public required LocalSmtpServer Smtp { get; init; }
    public required BrokerTap Tap { get; init; }
    public IsolatedEnvironment Environment => Platform.Environment;
    public InProcessService Disposition => Platform.Disposition;
    public InProcessService Notifications => Platform.Notifications;

    public static async Task<ErasurePlatform> StartAsync()
    {
        var smtp = LocalSmtpServer.Start();
        // Each service as its own broker user: erasure and the whole flow run under the production permissions.
        var platform = await InProcessPlatform.StartAsync("erasure", brokerUsers: true, more: b => b.WithDisposition().WithNotifications(smtp));
        await platform.PutIntegrationAsync(IntegrationId, new
        {
            accountId = AccountId,
            crm = "enquire",
            directions = new[] { "outbound", "inbound-push" },
            endpoint = new Uri(platform.Sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new Dictionary<string, string> { ["subscriptionKey"] = "sandbox-enquire-key", ["webhookSecret"] = WebhookSecret },
            settings = new { relationshipTypes = new[] { "Child", "Other" }, notificationRecipients = new[] { "sales@erase-senior.example" } },
        });
        var catalog = platform.Disposition.Services.GetRequiredService<IntegrationStore>();
        await Eventually.UntilAsync(async () => await catalog.FindAsync(IntegrationId) is not null, TimeSpan.FromSeconds(10), "disposition to see the integration");
        return new ErasurePlatform { Platform = platform, Smtp = smtp, Tap = new BrokerTap(platform.Environment.Name) };
    }

    public async Task<T> QueryAsync<T>(string sql, object? args = null)
    {
        await using var dataSource = Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<T>(sql, args) ?? default!;
    }

    /// <summary>Every row of every table of every schema of the test database, as text (jsonb included).</summary>
    public async Task<IReadOnlyList<string>> DumpDatabaseAsync()
    {
        await using var dataSource = Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var tables = (await connection.QueryAsync<string>("""
            select format('%I.%I', table_schema, table_name) from information_schema.tables
             where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """)).ToList();
        Assert.That(tables, Has.Member("ingestion.lead").And.Member("delivery.ledger").And.Member("disposition.timeline").And.Member("notifications.sent"));
        var rows = new List<string>();
        foreach (var table in tables)
        {
            rows.AddRange((await connection.QueryAsync<string>($"select t::text from {table} t")).Select(r => $"{table}: {r}"));
        }
        return rows;
    }

    /// <summary>Every message waiting in every queue of the test vhost (body and headers), left in place.</summary>
    public async Task<IReadOnlyList<string>> DumpQueuesAsync()
    {
        var messages = new List<string>();
        foreach (var queue in await Environment.QueueNamesAsync())
        {
            try
            {
                messages.AddRange((await Tap.PeekAsync(queue)).Select(m => $"{queue}: {m.Body} {m.Headers}"));
            }
            catch (HttpRequestException) when (queue.Contains("_bus_", StringComparison.Ordinal))
            {
                // A MassTransit bus endpoint (request responses: counts only) is exclusive to its connection: unreadable here.
            }
        }
        return messages;
    }

    public async Task<HttpResponseMessage> EraseAsync(object body, bool withAdminKey = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/erasures") { Content = JsonContent.Create(body) };
        if (withAdminKey)
        {
            request.Headers.Add("X-Admin-Key", InProcessPlatform.AdminKey);
        }
        return await Platform.Ingestion.Client.SendAsync(request);
    }

    public ValueTask DisposeAsync() => Platform.DisposeAsync();
}
