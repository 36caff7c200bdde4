using System.Collections.Concurrent;

namespace LeadPlatform.Sandbox;

/// <summary>One request body the CRM stand-ins received: how it was framed.</summary>
public sealed record FramedRequest(string Method, string Path, long? ContentLength, bool Chunked, DateTimeOffset At);

/// <summary>
/// How every body sent to a CRM stand-in was framed (<c>Content-Length</c> or chunked), kept for inspection at
/// <c>GET /sandbox/requests</c>. With <c>Sandbox:RefuseChunkedBodies</c> the stand-ins answer a chunked body with
/// 411 Length Required, as some CRM gateways do.
/// </summary>
public static class BodyFraming
{
    private const int Kept = 1000;

    public sealed class Log
    {
        private readonly ConcurrentQueue<FramedRequest> _requests = new();

        public void Add(FramedRequest request)
        {
            _requests.Enqueue(request);
            while (_requests.Count > Kept && _requests.TryDequeue(out _))
            {
            }
        }

        public IReadOnlyList<FramedRequest> All => _requests.ToArray();
        public void Clear() => _requests.Clear();
    }

    public static IServiceCollection AddBodyFraming(this IServiceCollection services) => services.AddSingleton<Log>();

    public static WebApplication UseBodyFraming(this WebApplication app)
    {
        var refuse = app.Configuration.GetValue("Sandbox:RefuseChunkedBodies", false);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var ours = request.Path.StartsWithSegments("/sandbox") || request.Path.StartsWithSegments("/health");
            var chunked = request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true);
            if (ours || (request.ContentLength is null or 0 && !chunked))
            {
                await next(context);
                return;
            }
            context.RequestServices.GetRequiredService<Log>()
                .Add(new FramedRequest(request.Method, request.Path.Value ?? "", request.ContentLength, chunked, DateTimeOffset.UtcNow));
            if (chunked && refuse)
            {
                context.Response.StatusCode = StatusCodes.Status411LengthRequired;
                await context.Response.WriteAsync("This gateway refuses chunked request bodies: send Content-Length.");
                return;
            }
            await next(context);
        });
        var sandbox = app.MapGroup("/sandbox");
        sandbox.MapGet("/requests", (Log log) => Results.Ok(log.All));
        sandbox.MapDelete("/requests", (Log log) =>
        {
            log.Clear();
            return Results.NoContent();
        });
        return app;
    }
}
