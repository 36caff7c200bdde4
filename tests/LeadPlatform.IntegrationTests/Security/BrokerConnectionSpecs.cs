using LeadPlatform.Ingestion.Operations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Ingestion's queue tools (drain, peek, erasure) connect through one <see cref="ErrorQueues.OpenConnectionAsync"/> made
/// like the bus's host: with the first node of the address down, they reach the next one instead of failing.
/// </summary>
[TestFixture]
[Category("Security")]
public class BrokerConnectionSpecs
{
    [Test]
    public async Task The_queue_tools_connect_to_the_next_node_when_the_first_is_down()
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("brokerconn");
        var servers = environment.Servers;
        var down = FreePort.Next(); // Nothing listens there.
        var broker = RabbitMqAddress.Parse(
            $"amqp://guest:guest@127.0.0.1:{down},{servers.RabbitHost}:{servers.RabbitPort}/{Uri.EscapeDataString(environment.Name)}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Management"] = servers.RabbitManagement,
        }).Build();
        await using var provider = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var queues = new ErrorQueues(broker, configuration, provider.GetRequiredService<IHttpClientFactory>());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var connection = await queues.OpenConnectionAsync("spec-next-node", timeout.Token);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
        await channel.QueueDeclareAsync("spec-next-node_error", durable: false, exclusive: false, autoDelete: false, cancellationToken: timeout.Token);

        Assert.That(connection.Endpoint.Port, Is.EqualTo(servers.RabbitPort), "connected to the second node");
        Assert.That(await queues.PeekAsync("spec-next-node_error", 10, timeout.Token), Is.Empty, "peek goes through the same connection");
    }
}
