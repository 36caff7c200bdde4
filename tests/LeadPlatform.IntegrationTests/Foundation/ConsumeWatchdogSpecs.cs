using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Watchdog;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace LeadPlatform.IntegrationTests.Foundation;

/// <summary>
/// The consume watchdog against a real broker: a service whose endpoint MassTransit reported ready, while the broker
/// shows that endpoint's queue holding messages with nobody consuming it, stops itself (exit code 75) for its
/// supervisor to restart; with a consumer on the queue it keeps running. The wedge itself (rabbitmq-dotnet-client#1930)
/// is not reproducible on demand, so the endpoint's "ready" is told to the watchdog as MassTransit tells it, and a
/// wedged publish as <see cref="BoundedPublish"/> reports one.
/// </summary>
[TestFixture, NonParallelizable]
public class ConsumeWatchdogSpecs
{
    private IsolatedEnvironment _environment = null!;
    private IConnection _broker = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _environment = await IsolatedEnvironment.CreateAsync("watchdog");
        _broker = await RabbitMqAddress.Parse(_environment.RabbitMqUri).OpenConnectionAsync("watchdog specs", CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _broker.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [TearDown]
    public void ResetExitCode() => Environment.ExitCode = 0;

    [Test]
    public async Task A_ready_endpoint_whose_queue_holds_messages_with_no_consumer_stops_the_service_with_exit_code_75()
    {
        var queue = await QueueWithMessagesAsync();
        using var service = await StartServiceAsync();

        await service.Services.GetRequiredService<ReadyEndpoints>().Ready(new EndpointReady(InputAddress(queue)));

        var stopped = await WaitForStopAsync(service, TimeSpan.FromSeconds(15));
        Assert.That(stopped, Is.True, "the service did not stop itself within 15 s");
        Assert.That(Environment.ExitCode, Is.EqualTo(ConsumeWatchdog.ExitCode));
        // Stopped here as the host's Main would (else the watchdog ends the process after 10 s).
        await service.StopAsync();
    }

    [Test]
    public async Task A_publish_stuck_past_its_limit_while_the_broker_answers_stops_the_service_with_exit_code_75()
    {
        var publishes = new PublishHealth();
        using var service = await StartServiceAsync(publishes);
        Assert.That(await WaitForStopAsync(service, TimeSpan.FromSeconds(2)), Is.False, "stopped with every publish healthy");

        // As a publish whose cancellation the wedged client never observes.
        publishes.Started(DateTimeOffset.UtcNow - BoundedPublish.Limit - PublishHealth.Slack - TimeSpan.FromSeconds(1));

        Assert.That(await WaitForStopAsync(service, TimeSpan.FromSeconds(15)), Is.True, "the service did not stop itself within 15 s");
        Assert.That(Environment.ExitCode, Is.EqualTo(ConsumeWatchdog.ExitCode));
        await service.StopAsync();
    }

    [Test]
    public async Task With_a_consumer_on_the_queue_the_service_keeps_running()
    {
        var queue = await QueueWithMessagesAsync();
        await using var consumerChannel = await _broker.CreateChannelAsync();
        await consumerChannel.BasicQosAsync(0, 1, false);
        // Holds one message unacknowledged and takes no more: the queue keeps messages and has a consumer.
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, new AsyncEventingBasicConsumer(consumerChannel));
        using var service = await StartServiceAsync();

        await service.Services.GetRequiredService<ReadyEndpoints>().Ready(new EndpointReady(InputAddress(queue)));

        Assert.That(await WaitForStopAsync(service, TimeSpan.FromSeconds(4)), Is.False, "a consumed queue stopped the service");
        Assert.That(Environment.ExitCode, Is.Zero);
        await service.StopAsync();
    }

    private async Task<string> QueueWithMessagesAsync()
    {
        var queue = $"watched-{Guid.NewGuid():N}";
        await using var channel = await _broker.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        for (var i = 0; i < 3; i++)
        {
            await channel.BasicPublishAsync("", queue, "{}"u8.ToArray());
        }
        return queue;
    }

    private Uri InputAddress(string queue) => new(new Uri(_environment.RabbitMqUri), $"{Uri.EscapeDataString(_environment.Name)}/{queue}");

    private async Task<IHost> StartServiceAsync(PublishHealth? publishes = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(publishes ?? new PublishHealth());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = _environment.RabbitMqUri,
            ["Bus:Watchdog:Interval"] = "00:00:00.300",
            ["Bus:Watchdog:Grace"] = "00:00:01.500",
        });
        builder.AddLeadPlatformBus();
        var host = builder.Build();
        using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(starting.Token);
        return host;
    }

    private static async Task<bool> WaitForStopAsync(IHost host, TimeSpan within)
    {
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await Task.Delay(within, stopping);
            return false;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return true;
        }
    }

    private sealed record EndpointReady(Uri InputAddress) : ReceiveEndpointReady
    {
        public IReceiveEndpoint ReceiveEndpoint => null!;
        public bool IsStarted => true;
    }
}
