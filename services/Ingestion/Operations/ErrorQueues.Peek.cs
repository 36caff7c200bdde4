using System.Text;
using RabbitMQ.Client;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>Why a message sits in an error queue: MassTransit's fault headers (<c>MT-Fault-*</c>), never its body.</summary>
public sealed record FaultedMessage(string? MessageId, string? MessageType, string? ExceptionType, string? FaultMessage, string? FaultedAt);

public sealed partial class ErrorQueues
{
    /// <summary>
    /// The first <paramref name="limit"/> messages of an error queue with their fault reason. Read without acknowledging
    /// and handed back (nack, requeue) at once: nothing is removed; the broker marks them redelivered.
    /// </summary>
    public async Task<IReadOnlyList<FaultedMessage>> PeekAsync(string errorQueue, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync("console-peek", ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var messages = new List<FaultedMessage>();
        ulong lastTag = 0;
        while (messages.Count < limit && await channel.BasicGetAsync(errorQueue, autoAck: false, ct) is { } message)
        {
            var headers = message.BasicProperties.Headers;
            string? Header(string name) => headers?.TryGetValue(name, out var value) == true
                ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
                : null;
            var type = Header("MT-Fault-MessageType") ?? message.BasicProperties.Type;
            messages.Add(new FaultedMessage(message.BasicProperties.MessageId, type, Header("MT-Fault-ExceptionType"),
                Header("MT-Fault-Message"), Header("MT-Fault-Timestamp")));
            lastTag = message.DeliveryTag;
        }
        if (lastTag > 0)
        {
            await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, ct);
        }
        return messages;
    }
}
