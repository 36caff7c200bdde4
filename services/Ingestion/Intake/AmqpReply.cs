using System.Text.Json;
using MassTransit;
using MassTransit.RabbitMqTransport;
using RabbitMQ.Client;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>
/// The answer to a raw (non-MassTransit) publisher that set the AMQP <c>reply_to</c> property, the RPC convention of
/// every AMQP client: plain camelCase JSON, <c>type</c> the contract's name (<c>LeadAccepted</c>, <c>LeadRefused</c>),
/// <c>correlation_id</c> the request's (its <c>message_id</c> when it set none), published to the default exchange
/// with <c>reply_to</c> as routing key, so a server-named queue and the direct reply-to pseudo-queue
/// (<c>amq.rabbitmq.reply-to</c>) both work. A MassTransit response address wins over <c>reply_to</c>.
/// </summary>
public static class AmqpReply
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The <c>reply_to</c> to answer at, when the message has one and no MassTransit response address.</summary>
    public static string? ReplyTo(ConsumeContext context) => context.ResponseAddress is null ? ReplyTo(context.ReceiveContext) : null;

    /// <summary>The <c>reply_to</c> of a message as it came off the queue, read or not.</summary>
    public static string? ReplyTo(ReceiveContext context) =>
        context is RabbitMqBasicConsumeContext amqp && !string.IsNullOrWhiteSpace(amqp.Properties.ReplyTo) ? amqp.Properties.ReplyTo : null;

    public static Task SendAsync<T>(ConsumeContext context, string replyTo, T message) where T : class =>
        SendAsync(context.ReceiveContext, replyTo, message, context.CancellationToken);

    /// <summary>Publishes the answer on the channel the request came in on; completes when the broker confirmed it.</summary>
    public static async Task SendAsync<T>(ReceiveContext context, string replyTo, T message, CancellationToken ct) where T : class
    {
        var amqp = (RabbitMqBasicConsumeContext)context;
        if (!context.TryGetPayload(out ChannelContext? channel))
        {
            throw new InvalidOperationException("No RabbitMQ channel to reply on");
        }
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Type = typeof(T).Name,
            MessageId = NewId.NextGuid().ToString(),
            CorrelationId = amqp.Properties.CorrelationId ?? amqp.Properties.MessageId,
            DeliveryMode = DeliveryModes.Persistent,
        };
        await channel.BasicPublishAsync("", replyTo, false, properties, JsonSerializer.SerializeToUtf8Bytes(message, Json),
            awaitAck: true, ct);
    }
}
