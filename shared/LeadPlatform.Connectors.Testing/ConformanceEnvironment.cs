using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// A RabbitMQ virtual host and a PostgreSQL database of one conformance fixture's own, so runs at the same time
/// (and the platform itself) never share a queue or a row with it. Dropped on dispose.
/// </summary>
public sealed class ConformanceEnvironment : IAsyncDisposable
{
    private readonly ConformanceServers _servers;
    private readonly HttpClient _management;
    private readonly string _name;

    private ConformanceEnvironment(ConformanceServers servers, HttpClient management, string name)
    {
        _servers = servers;
        _management = management;
        _name = name;
    }

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(_servers.PostgresAdmin) { Database = _name }.ToString();

    public string RabbitMqUri =>
        $"amqp://{Uri.EscapeDataString(_servers.RabbitUser)}:{Uri.EscapeDataString(_servers.RabbitPassword)}@{_servers.RabbitHost}:{_servers.RabbitPort}/{Uri.EscapeDataString(_name)}";

    public static async Task<ConformanceEnvironment> CreateAsync(string crm, ConformanceServers servers)
    {
        var name = $"lpkit_{new string(crm.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray())}_{Guid.NewGuid():N}"[..40];
        var management = new HttpClient { BaseAddress = new Uri(servers.RabbitManagement.TrimEnd('/') + "/") };
        management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{servers.RabbitUser}:{servers.RabbitPassword}")));
        try
        {
            await using (var admin = new NpgsqlConnection(servers.PostgresAdmin))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"create database {name}", admin);
                await create.ExecuteNonQueryAsync();
            }
            var vhost = Uri.EscapeDataString(name);
            (await management.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
            var permissions = JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" });
            (await management.PutAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(servers.RabbitUser)}", permissions)).EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is NpgsqlException or HttpRequestException)
        {
            management.Dispose();
            Assert.Fail($"The conformance kit needs a real PostgreSQL ({Redacted(servers.PostgresAdmin)}) and RabbitMQ with its management API " +
                $"({servers.RabbitManagement}); set LP_POSTGRES / LP_RABBITMQ_HOST / LP_RABBITMQ_PORT / LP_RABBITMQ_MANAGEMENT to point at them. {ex.Message}");
        }
        return new ConformanceEnvironment(servers, management, name);
    }

    private static string Redacted(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await _management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(_name)}");
            await using var admin = new NpgsqlConnection(_servers.PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {_name} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or NpgsqlException)
        {
            await TestContext.Progress.WriteLineAsync($"Could not clean up {_name}: {ex.Message}");
        }
        _management.Dispose();
    }
}
