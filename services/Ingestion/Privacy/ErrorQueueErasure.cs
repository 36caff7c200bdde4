using System.Text;
using System.Text.Encodings.Web;
using LeadPlatform.Ingestion.Operations;
using LeadPlatform.ServiceDefaults;
using RabbitMQ.Client;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary>
/// Drops the messages of erased leads from every <c>*_error</c> and <c>*_skipped</c> queue of the platform's virtual host. Each queue is
/// read to the end without acknowledging (so a crash returns everything): a message naming the person (an email or a
/// lead id in its body or headers, JSON-escaped or not) is acknowledged, that is dropped; the rest are requeued
/// untouched (headers, fault reason and all). Ingestion does this for every service because it already owns the
/// error-queue tooling (<see cref="ErrorQueues"/>); the queues are the broker's, not any service's tables.
/// </summary>
public sealed class ErrorQueueErasure(ErrorQueues queues, IConfiguration configuration)
{
    public const string Store = "error-queues";

    // The first node, as ErrorQueues does: the connection string may list a cluster's nodes.
    private readonly Uri _amqp = RabbitMqAddress.Parse(configuration.GetConnectionString("RabbitMq") ?? BusExtensions.DefaultRabbitMq).NodeUris[0];

    public async Task<Dictionary<string, int>> EraseAsync(IReadOnlyList<string> terms, CancellationToken ct)
    {
        var variants = terms.SelectMany(t => new[] { t, JavaScriptEncoder.Default.Encode(t) }).Distinct(StringComparer.Ordinal).ToList();
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
        var factory = new ConnectionFactory { Uri = _amqp, ClientProvidedName = "erasure" };
        await using var connection = await factory.CreateConnectionAsync(ct);
        // Error queues, and _skipped ones (a message no consumer of that endpoint takes: a lead can sit there too).
        foreach (var queue in await queues.QueuesEndingWithAsync([ErrorQueues.Suffix, "_skipped"], ct))
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            dropped[queue] = await EraseFromAsync(channel, queue, variants, ct);
        }
        return dropped;
    }

    private static async Task<int> EraseFromAsync(IChannel channel, string queue, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var waiting = await channel.MessageCountAsync(queue, ct);
        var kept = new List<ulong>();
        var dropped = 0;
        try
        {
            for (var i = 0u; i < waiting; i++)
            {
                var message = await channel.BasicGetAsync(queue, autoAck: false, ct);
                if (message is null)
                {
                    break;
                }
                if (Names(message, terms))
                {
                    await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                    dropped++;
                }
                else
                {
                    kept.Add(message.DeliveryTag);
                }
            }
        }
        finally
        {
            foreach (var tag in kept)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None);
            }
        }
        return dropped;
    }

    private static bool Names(BasicGetResult message, IReadOnlyList<string> terms)
    {
        var text = new StringBuilder(Encoding.UTF8.GetString(message.Body.Span));
        foreach (var value in message.BasicProperties.Headers?.Values ?? [])
        {
            text.Append('\n').Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString());
        }
        var all = text.ToString();
        return terms.Any(t => all.Contains(t, StringComparison.OrdinalIgnoreCase));
    }
}
