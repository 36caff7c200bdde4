using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Ingestion;

/// <summary>
/// Watches what reaches a RabbitMQ virtual host through the management HTTP API (no .NET client): a queue of its
/// own bound to a MassTransit message exchange, read and acknowledged; and publishing as a non-.NET system does.
/// </summary>
public sealed class BrokerTap(string vhost)
{
    private static readonly HttpClient Management = CreateClient();
    private string VHost => Uri.EscapeDataString(vhost);

    public sealed record Delivered(Guid MessageId, JsonElement Message);

    /// <summary>Binds queue <paramref name="queue"/> to the fanout exchange MassTransit publishes <paramref name="exchange"/> on.</summary>
    public async Task BindAsync(string exchange, string queue, bool quorum = false)
    {
        var ex = Uri.EscapeDataString(exchange);
        (await Management.PutAsJsonAsync($"api/exchanges/{VHost}/{ex}", new { type = "fanout", durable = true, auto_delete = false })).EnsureSuccessStatusCode();
        var arguments = quorum ? new Dictionary<string, object> { ["x-queue-type"] = "quorum" } : [];
        (await Management.PutAsJsonAsync($"api/queues/{VHost}/{Uri.EscapeDataString(queue)}", new { durable = true, auto_delete = false, arguments })).EnsureSuccessStatusCode();
        (await Management.PostAsJsonAsync($"api/bindings/{VHost}/e/{ex}/q/{Uri.EscapeDataString(queue)}", new { routing_key = "" })).EnsureSuccessStatusCode();
    }

    /// <summary>Binds exchange <paramref name="destination"/> to exchange <paramref name="source"/>, as MassTransit binds an endpoint to a message type.</summary>
    public async Task BindExchangeAsync(string source, string destination) =>
        (await Management.PostAsJsonAsync($"api/bindings/{VHost}/e/{Uri.EscapeDataString(source)}/e/{Uri.EscapeDataString(destination)}",
            new { routing_key = "" })).EnsureSuccessStatusCode();

    /// <summary>Whether exchange <paramref name="destination"/> is bound to exchange <paramref name="source"/>.</summary>
    public async Task<bool> ExchangeBoundAsync(string source, string destination)
    {
        using var response = await Management.GetAsync($"api/bindings/{VHost}/e/{Uri.EscapeDataString(source)}/e/{Uri.EscapeDataString(destination)}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() > 0;
    }

    public async Task DeleteQueueAsync(string queue) =>
        (await Management.DeleteAsync($"api/queues/{VHost}/{Uri.EscapeDataString(queue)}")).EnsureSuccessStatusCode();

    /// <summary>Takes (and acknowledges) everything now waiting in the queue: MassTransit envelopes.</summary>
    public async Task<IReadOnlyList<Delivered>> TakeAsync(string queue)
    {
        var got = await GetAsync(queue, ackmode: "ack_requeue_false");
        return got.Select(g =>
        {
            var envelope = JsonDocument.Parse(g).RootElement;
            return new Delivered(Guid.Parse(envelope.GetProperty("messageId").GetString()!), envelope.GetProperty("message").Clone());
        }).ToList();
    }

    /// <summary>The raw messages waiting in a queue, with their headers, left in place.</summary>
    public async Task<IReadOnlyList<(string Body, JsonElement Headers)>> PeekAsync(string queue)
    {
        using var response = await Management.PostAsJsonAsync($"api/queues/{VHost}/{Uri.EscapeDataString(queue)}/get",
            new { count = 1000, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        var got = await response.Content.ReadFromJsonAsync<JsonElement>();
        return got.EnumerateArray().Select(g => (Decode(g), g.GetProperty("properties").TryGetProperty("headers", out var h) ? h.Clone() : default)).ToList();
    }

    private async Task<IReadOnlyList<string>> GetAsync(string queue, string ackmode)
    {
        using var response = await Management.PostAsJsonAsync($"api/queues/{VHost}/{Uri.EscapeDataString(queue)}/get",
            new { count = 1000, ackmode, encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var got = await response.Content.ReadFromJsonAsync<JsonElement>();
        return got.EnumerateArray().Select(Decode).ToList();
    }

    /// <summary>
    /// Publishes as a non-.NET system would: a raw JSON body straight to a queue (default exchange), with the source's
    /// API key in header <c>X-Api-Key</c> when one is given.
    /// </summary>
    public async Task PublishRawAsync(string queue, string json, string? contentType = "application/json", string? apiKey = null)
    {
        var properties = new Dictionary<string, object> { ["delivery_mode"] = 2 };
        if (contentType is not null)
        {
            properties["content_type"] = contentType;
        }
        if (apiKey is not null)
        {
            properties["headers"] = new Dictionary<string, string> { ["X-Api-Key"] = apiKey };
        }
        using var response = await Management.PostAsJsonAsync($"api/exchanges/{VHost}/amq.default/publish",
            new { properties, routing_key = queue, payload = json, payload_encoding = "string" });
        response.EnsureSuccessStatusCode();
        var routed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(routed.GetProperty("routed").GetBoolean(), Is.True, $"queue {queue} does not exist");
    }

    private static string Decode(JsonElement got)
    {
        var payload = got.GetProperty("payload").GetString()!;
        return got.GetProperty("payload_encoding").GetString() == "base64" ? Encoding.UTF8.GetString(Convert.FromBase64String(payload)) : payload;
    }

    private static HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(TestServers.RabbitManagement.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return client;
    }
}
