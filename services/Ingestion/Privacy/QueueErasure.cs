using System.Text;
using System.Text.Encodings.Web;
using LeadPlatform.Ingestion.Operations;
using RabbitMQ.Client;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary>
/// Drops the messages of erased leads from the queues of the platform's virtual host: the <c>*_error</c> and
/// <c>*_skipped</c> queues (store <c>error-queues</c>), and the live queues of the platform's services, e.g. a
/// <c>connector-enquire</c> whose connector is stopped (store <c>queues</c>). Each queue is read up to the messages
/// waiting when it starts, without acknowledging (so a crash returns everything): a message naming the person (an email
/// or a lead id in its body or headers, JSON-escaped or not) is acknowledged, that is dropped; the rest are handed back
/// untouched (nack, requeue: headers, fault reason and order kept). Live queues may have consumers meanwhile: a
/// message they hold (prefetched, in progress) is not readable here; the tombstones the owners wrote before this walk
/// (<c>erased_lead</c>) make them skip it. Ingestion does this for every service because it owns the error-queue tooling
/// (<see cref="ErrorQueues"/>); the queues are the broker's, not any service's tables.
/// </summary>
public sealed class QueueErasure(ErrorQueues queues)
{
    public const string ErrorQueuesStore = "error-queues";
    public const string LiveQueuesStore = "queues";

    /// <summary>The services' own queues (build/broker-users.sh lets lp-ingestion read exactly these, and the error queues).</summary>
    public static readonly string[] PlatformQueuePrefixes = ["ingestion-", "connector-", "delivery-", "disposition-", "notifications-"];

    private static readonly string[] ParkedSuffixes = [ErrorQueues.Suffix, "_skipped"];

    /// <summary>Error queues, and _skipped ones (a message no consumer of that endpoint takes: a lead can sit there too).</summary>
    public async Task<Dictionary<string, int>> EraseErrorQueuesAsync(IReadOnlyList<string> terms, CancellationToken ct) =>
        await EraseAsync(await queues.QueuesEndingWithAsync(ParkedSuffixes, ct), terms, ct);

    /// <summary>The platform's live queues; MassTransit's temporary <c>*_bus_*</c> endpoints are exclusive to their owner.</summary>
    public async Task<Dictionary<string, int>> EraseLiveQueuesAsync(IReadOnlyList<string> terms, CancellationToken ct)
    {
        var live = (await queues.QueueNamesAsync(ct))
            .Where(q => PlatformQueuePrefixes.Any(p => q.StartsWith(p, StringComparison.Ordinal)))
            .Where(q => !q.Contains("_bus_", StringComparison.Ordinal) && !ParkedSuffixes.Any(s => q.EndsWith(s, StringComparison.Ordinal)))
            .ToList();
        return await EraseAsync(live, terms, ct);
    }

    private async Task<Dictionary<string, int>> EraseAsync(IReadOnlyList<string> names, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var variants = terms.SelectMany(t => new[] { t, JavaScriptEncoder.Default.Encode(t) }).Distinct(StringComparer.Ordinal).ToList();
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var connection = await queues.OpenConnectionAsync("erasure", ct);
        foreach (var queue in names)
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
                    break; // Consumers took the rest meanwhile.
                }
                if (Names(message, terms) && !IsErasureRequest(message))
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
        var all = Text(message);
        return terms.Any(t => all.Contains(t, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// An <c>EraseLeadData</c> waiting for a stopped owner (lead ids only, no personal data) is this erasure's request to
    /// that owner: dropping it would leave the owner's store unerased.
    /// </summary>
    private static bool IsErasureRequest(BasicGetResult message) =>
        Encoding.UTF8.GetString(message.Body.Span).Contains("LeadPlatform.Contracts:EraseLeadData", StringComparison.Ordinal);

    private static string Text(BasicGetResult message)
    {
        var text = new StringBuilder(Encoding.UTF8.GetString(message.Body.Span));
        foreach (var value in message.BasicProperties.Headers?.Values ?? [])
        {
            text.Append('\n').Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString());
        }
        return text.ToString();
    }
}
