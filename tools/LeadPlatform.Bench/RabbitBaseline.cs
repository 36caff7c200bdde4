using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace LeadPlatform.Bench;

/// <summary>
/// The yardstick: raw RabbitMQ.Client publishing persistent messages with publisher confirms to a quorum queue
/// while a consumer acks them, on the same machine and vhost. Messages/s consumed.
/// </summary>
public static class RabbitBaseline
{
    public static async Task<double> RunAsync(string amqpUri, TimeSpan duration, int outstanding = 64, int bodyBytes = 1024)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var publish = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var consume = await connection.CreateChannelAsync();
        const string queue = "bench-baseline";
        await publish.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });

        long consumed = 0;
        await consume.BasicQosAsync(0, 200, false);
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Interlocked.Increment(ref consumed);
            await consume.BasicAckAsync(delivery.DeliveryTag, false);
        };
        await consume.BasicConsumeAsync(queue, autoAck: false, consumer);

        var body = new byte[bodyBytes];
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        using var stop = new CancellationTokenSource(duration);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Several publishers awaiting their own confirms: as many messages in flight as a busy service has.
        var publishers = Enumerable.Range(0, outstanding).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await publish.BasicPublishAsync("", queue, mandatory: false, properties, body);
            }
        }).ToList();
        await Task.WhenAll(publishers);
        var published = clock.Elapsed;
        var consumedAtStop = Interlocked.Read(ref consumed);
        await publish.QueueDeleteAsync(queue);
        return consumedAtStop / published.TotalSeconds;
    }
}
