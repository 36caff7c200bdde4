using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.Bench;

/// <summary>Posts leads over HTTP, open loop at a fixed rate or closed loop with N clients; keeps every 202's lead id.</summary>
public sealed class LoadPhase(HttpClient ingestion, string accountId)
{
    public sealed record Result(string Name, TimeSpan Elapsed, int Offered, IReadOnlyList<Guid> Accepted, int Refused, int Failed, IReadOnlyList<double> PostMs);

    private readonly ConcurrentBag<Guid> _accepted = [];
    private readonly ConcurrentBag<double> _postMs = [];
    private int _refused;
    private int _failed;
    private int _sequence;

    public async Task<Result> FixedRateAsync(string name, int perSecond, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        var count = (int)(perSecond * duration.TotalSeconds);
        for (var n = 0; n < count; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due);
            }
            inFlight.Add(PostAsync(name));
        }
        await Task.WhenAll(inFlight);
        return Finish(name, clock.Elapsed);
    }

    /// <summary>Closed loop for <paramref name="duration"/>, or until <paramref name="limit"/> leads were posted.</summary>
    public async Task<Result> ClosedLoopAsync(string name, int clients, TimeSpan duration, int limit = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        var issued = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration && Interlocked.Increment(ref issued) <= limit)
            {
                await PostAsync(name);
            }
        }));
        return Finish(name, clock.Elapsed);
    }

    private Result Finish(string name, TimeSpan elapsed) =>
        new(name, elapsed, Volatile.Read(ref _sequence), [.. _accepted], _refused, _failed, [.. _postMs]);

    private async Task PostAsync(string phase)
    {
        var n = Interlocked.Increment(ref _sequence);
        var id = $"{phase}-{Guid.NewGuid():N}";
        var lead = new
        {
            source = "roobrik",
            sourceLeadId = id,
            accountId,
            conversion = "sales-opt-in",
            prospect = new { firstName = "Bench", lastName = "Lead" + n, email = $"{id}@example.com" },
        };
        var clock = Stopwatch.StartNew();
        try
        {
            // Sized, as upstream systems send a lead: PostAsJsonAsync would send it chunked, without a Content-Length.
            using var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(lead, JsonSerializerOptions.Web));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await ingestion.PostAsync("v1/leads", body);
            _postMs.Add(clock.Elapsed.TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                _accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid());
            }
            else
            {
                Interlocked.Increment(ref _refused);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
