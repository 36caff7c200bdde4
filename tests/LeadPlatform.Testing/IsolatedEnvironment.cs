using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Npgsql;

namespace LeadPlatform.Testing;

/// <summary>
/// A RabbitMQ virtual host and a PostgreSQL database of a test fixture's own, so fixtures and test runs
/// that happen at the same time never see each other's queues or rows. Dropped on dispose.
/// </summary>
public sealed class IsolatedEnvironment : IAsyncDisposable
{
    public required string Name { get; init; }
    public required ServerEndpoints Servers { get; init; }
    private HttpClient Management { get; init; } = null!;
    public required string PostgresConnectionString { get; init; }
    public required string RabbitMqUri { get; init; }

    /// <summary>Configuration every service started in this environment gets.</summary>
    /// <summary>
    /// The admin key (role admin) services started by tests accept. Services outside Development refuse to start without
    /// a key of 24 characters or more, and tests run as environment "Test".
    /// </summary>
    public const string AdminKey = "test-admin-key-of-isolated-environments";

    public Dictionary<string, string?> ServiceConfiguration() => new()
    {
        ["ConnectionStrings:Postgres"] = PostgresConnectionString,
        ["ConnectionStrings:RabbitMq"] = RabbitMqUri,
        ["Admin:Key"] = AdminKey,
        // Off for services hosted inside a test process: stopping the host (and, failing that, the process) is for a
        // service that runs alone under a supervisor. ProcessPlatform turns it back on for its service processes.
        ["Bus:Watchdog:Enabled"] = "false",
    };

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(PostgresConnectionString);

    public static Task<IsolatedEnvironment> CreateAsync(string purpose)
    {
        TestServers.RequireReachable();
        return CreateAsync(purpose, ServerEndpoints.Shared);
    }

    /// <summary>On other servers than the shared ones (e.g. private servers a fault test stops and starts).</summary>
    public static async Task<IsolatedEnvironment> CreateAsync(string purpose, ServerEndpoints servers)
    {
        var management = CreateManagementClient(servers.RabbitManagement);
        var name = $"lp_{new string(purpose.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray())}_{Guid.NewGuid():N}"[..40];

        await using (var admin = new NpgsqlConnection(servers.PostgresAdmin))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"create database {name}");
        }
        var vhost = Uri.EscapeDataString(name);
        (await management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        var permissions = JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" });
        (await management.PutAsync($"api/permissions/{vhost}/guest", permissions)).EnsureSuccessStatusCode();

        return new IsolatedEnvironment
        {
            Name = name,
            Servers = servers,
            Management = management,
            PostgresConnectionString = new NpgsqlConnectionStringBuilder(servers.PostgresAdmin) { Database = name, MaxPoolSize = 30 }.ToString(),
            RabbitMqUri = $"amqp://guest:guest@{servers.RabbitHost}:{servers.RabbitPort}/{vhost}",
        };
    }

    /// <summary>Messages waiting in a queue of this environment's virtual host (null when it does not exist).</summary>
    public async Task<int?> QueueDepthAsync(string queue)
    {
        using var response = await Management.GetAsync($"api/queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var queueInfo = await response.Content.ReadFromJsonAsync<QueueInfo>();
        return queueInfo!.Messages;
    }

    public async Task<IReadOnlyList<string>> QueueNamesAsync() => (await QueuesAsync()).Select(q => q.Name).ToList();

    /// <summary>Messages in all of this environment's queues, ready or unacknowledged (the management API's figure, a few seconds old).</summary>
    public async Task<long> MessagesWaitingAsync() => (await QueuesAsync()).Sum(q => (long)q.Messages);

    private async Task<List<QueueInfo>> QueuesAsync() =>
        (await Management.GetFromJsonAsync<List<QueueInfo>>($"api/queues/{Uri.EscapeDataString(Name)}"))!;

    private sealed record QueueInfo(string Name, int Messages);

    /// <summary>The prefetch count of each consumer of a queue of this environment's virtual host.</summary>
    public async Task<IReadOnlyList<int>> ConsumerPrefetchCountsAsync(string queue)
    {
        var consumers = await Management.GetFromJsonAsync<List<ConsumerInfo>>($"api/consumers/{Uri.EscapeDataString(Name)}");
        return consumers!.Where(c => c.Queue.Name == queue).Select(c => c.PrefetchCount).ToList();
    }

    /// <summary>The exchanges bound to an exchange of this environment's virtual host (its bindings as destination).</summary>
    public async Task<IReadOnlyList<string>> BindingSourcesAsync(string exchange)
    {
        var bindings = await Management.GetFromJsonAsync<List<BindingInfo>>(
            $"api/exchanges/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(exchange)}/bindings/destination");
        return bindings!.Select(b => b.Source).ToList();
    }

    private sealed record BindingInfo(string Source);

    private sealed record ConsumerInfo(ConsumerQueue Queue, [property: System.Text.Json.Serialization.JsonPropertyName("prefetch_count")] int PrefetchCount);

    private sealed record ConsumerQueue(string Name);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await Management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Name)}");
            await using var admin = new NpgsqlConnection(Servers.PostgresAdmin);
            await admin.OpenAsync();
            await admin.ExecuteAsync($"drop database if exists {Name} with (force)");
        }
        catch (Exception ex) when (ex is HttpRequestException or NpgsqlException)
        {
            await TestContext.Progress.WriteLineAsync($"Could not clean up {Name}: {ex.Message}");
        }
        Management.Dispose();
    }

    private static HttpClient CreateManagementClient(string baseAddress)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return client;
    }
}
