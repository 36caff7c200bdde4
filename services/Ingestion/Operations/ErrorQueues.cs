using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LeadPlatform.ServiceDefaults;
using RabbitMQ.Client;

namespace LeadPlatform.Ingestion.Operations;

public sealed record ErrorQueue(string Queue, string SourceQueue, int Messages);

/// <summary>
/// MassTransit's <c>{queue}_error</c> queues of this platform's virtual host: listed with their depth through the
/// RabbitMQ management API, drained back to <c>{queue}</c> over AMQP once the cause is fixed. MassTransit keeps the
/// original message (body and headers) in the error queue, so moving it back replays it as it first arrived.
/// </summary>
public sealed partial class ErrorQueues(RabbitMqAddress broker, IConfiguration configuration, IHttpClientFactory httpClients)
{
    public const string Suffix = "_error";

    private string VirtualHost => broker.VirtualHost;

    /// <summary>
    /// A connection to the platform's vhost as this service's broker user, for every tool here that reads queues (drain,
    /// peek, erasure): any node of the cluster, TLS as configured (<see cref="RabbitMqConnections"/>).
    /// </summary>
    public Task<IConnection> OpenConnectionAsync(string clientName, CancellationToken ct) => broker.OpenConnectionAsync(clientName, ct);

    public async Task<IReadOnlyList<ErrorQueue>> ListAsync(CancellationToken ct)
    {
        using var http = Management();
        var queues = await http.GetFromJsonAsync<List<QueueInfo>>($"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages", ct) ?? [];
        return queues
            .Where(q => q.Name.EndsWith(Suffix, StringComparison.Ordinal))
            .Select(q => new ErrorQueue(q.Name, SourceOf(q.Name), q.Messages))
            .OrderBy(q => q.Queue, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Every queue of the vhost whose name ends with one of the suffixes (erasure: <c>_error</c>, <c>_skipped</c>).</summary>
    public async Task<IReadOnlyList<string>> QueuesEndingWithAsync(IReadOnlyList<string> suffixes, CancellationToken ct) =>
        (await QueueNamesAsync(ct)).Where(n => suffixes.Any(s => n.EndsWith(s, StringComparison.Ordinal) && n.Length > s.Length)).ToList();

    /// <summary>Every queue of the vhost, by name.</summary>
    public async Task<IReadOnlyList<string>> QueueNamesAsync(CancellationToken ct)
    {
        using var http = Management();
        var queues = await http.GetFromJsonAsync<List<QueueInfo>>($"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages", ct) ?? [];
        return queues.Select(q => q.Name).Order(StringComparer.Ordinal).ToList();
    }

    public async Task<int?> DepthAsync(string queue, CancellationToken ct)
    {
        using var http = Management();
        using var response = await http.GetAsync($"api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<QueueInfo>(ct))!.Messages;
    }

    /// <summary>
    /// Moves up to <paramref name="limit"/> of the messages waiting when it starts, one at a time: published to the source queue with a publisher
    /// confirm, then acknowledged in the error queue, so a crash in between duplicates a message (which the
    /// consumers' idempotency absorbs) but never loses one.
    /// </summary>
    public async Task<int> DrainAsync(string errorQueue, int limit, CancellationToken ct)
    {
        var source = SourceOf(errorQueue);
        await using var connection = await OpenConnectionAsync("lpops-drain", ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        // At most what waits now: a message that fails again at once comes straight back to this queue and would
        // otherwise be moved round and round for as long as the loop keeps up with it.
        limit = (int)Math.Min(limit, await channel.MessageCountAsync(errorQueue, ct));
        var moved = 0;
        while (moved < limit)
        {
            var message = await channel.BasicGetAsync(errorQueue, autoAck: false, ct);
            if (message is null)
            {
                break;
            }
            var properties = new BasicProperties(message.BasicProperties);
            if (properties.Headers is { } headers)
            {
                // The fault description belongs to the failed try, not to the replay.
                foreach (var key in headers.Keys.Where(k => k.StartsWith("MT-Fault-", StringComparison.Ordinal) || k == "MT-Reason").ToList())
                {
                    headers.Remove(key);
                }
            }
            await channel.BasicPublishAsync("", source, mandatory: true, properties, message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }
        return moved;
    }

    public static bool IsErrorQueue(string queue) => queue.EndsWith(Suffix, StringComparison.Ordinal) && queue.Length > Suffix.Length;

    public static string SourceOf(string errorQueue) => errorQueue[..^Suffix.Length];

    private sealed record QueueInfo(string Name, int Messages);

    private HttpClient Management()
    {
        var http = httpClients.CreateClient(nameof(ErrorQueues));
        http.BaseAddress = new Uri((configuration["RabbitMq:Management"] ?? "http://127.0.0.1:15672").TrimEnd('/') + "/");
        var credentials = $"{broker.UserName}:{broker.Password}";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http;
    }
}
