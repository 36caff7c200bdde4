using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>
/// A publisher as a non-.NET system writes one with its AMQP client (here RabbitMQ.Client, no MassTransit): raw JSON to
/// the default exchange with <c>reply_to</c> and <c>correlation_id</c>, the answer read from a reply queue.
/// </summary>
public sealed class RawAmqpClient : IAsyncDisposable
{
    public const string DirectReplyTo = "amq.rabbitmq.reply-to";

    public sealed record Reply(string? Type, string? CorrelationId, string? ContentType, string Body);

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private RawAmqpClient(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    public static async Task<RawAmqpClient> ConnectAsync(string uri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(uri) }.CreateConnectionAsync();
        return new RawAmqpClient(connection, await connection.CreateChannelAsync());
    }

    /// <summary>A server-named, exclusive, auto-deleted queue of this connection.</summary>
    public async Task<string> DeclareReplyQueueAsync() =>
        (await _channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;

    public async Task PublishAsync(string queue, string json, string replyTo, string correlationId, string apiKey) =>
        await _channel.BasicPublishAsync("", queue, false, new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            ReplyTo = replyTo,
            CorrelationId = correlationId,
            Headers = new Dictionary<string, object?> { ["X-Api-Key"] = apiKey },
        }, Encoding.UTF8.GetBytes(json));

    /// <summary>The first message in <paramref name="queue"/>, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<Reply> ReceiveAsync(string queue, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await _channel.BasicGetAsync(queue, autoAck: true) is { } got)
            {
                return new Reply(got.BasicProperties.Type, got.BasicProperties.CorrelationId, got.BasicProperties.ContentType,
                    Encoding.UTF8.GetString(got.Body.Span));
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no reply in {queue} within {timeout}");
    }

    /// <summary>
    /// Publishes with <c>reply_to: amq.rabbitmq.reply-to</c> (RabbitMQ's direct reply-to: consumed in no-ack mode on the
    /// channel that publishes the request) and waits for the answer.
    /// </summary>
    public async Task<Reply> RequestByDirectReplyToAsync(string queue, string json, string correlationId, string apiKey, TimeSpan timeout)
    {
        var answer = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivered) =>
        {
            answer.TrySetResult(new Reply(delivered.BasicProperties.Type, delivered.BasicProperties.CorrelationId,
                delivered.BasicProperties.ContentType, Encoding.UTF8.GetString(delivered.Body.Span)));
            return Task.CompletedTask;
        };
        var tag = await _channel.BasicConsumeAsync(DirectReplyTo, autoAck: true, consumer);
        await PublishAsync(queue, json, DirectReplyTo, correlationId, apiKey);
        try
        {
            return await answer.Task.WaitAsync(timeout);
        }
        finally
        {
            await _channel.BasicCancelAsync(tag);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
