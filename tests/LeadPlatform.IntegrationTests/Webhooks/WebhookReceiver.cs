using System.Collections.Concurrent;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace LeadPlatform.IntegrationTests.Webhooks;

/// <summary>One request as the subscriber saw it, and what it answered.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, int Answered, IHeaderDictionary Headers);

/// <summary>
/// A webhook subscriber on a real port in the test: it keeps every request it got and answers 503 while
/// <see cref="Down"/>, 200 otherwise.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication _app = null!;

    public Uri Url { get; private set; } = null!;
    public volatile bool Down;

    /// <summary>What arrived at <c>/hooks/{path}</c> (each subscription of a test gets a path of its own).</summary>
    public IReadOnlyList<ReceivedWebhook> Received(string path) => _received.Where(r => r.Path == path).ToList();

    public Uri UrlFor(string path) => new(Url, path);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/hooks/{path}", async (string path, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var answer = receiver.Down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            var headers = new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value));
            receiver._received.Enqueue(new ReceivedWebhook(path, request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), body, answer, headers));
            return Results.StatusCode(answer);
        });
        await app.StartAsync();
        receiver._app = app;
        receiver.Url = new Uri($"http://127.0.0.1:{port}/hooks/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
