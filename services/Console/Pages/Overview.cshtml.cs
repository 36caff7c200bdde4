using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>
/// The platform at a glance, each figure from a documented API: ingestion <c>GET /v1/admin/overview</c> (per hour,
/// p50/p99, outbox, each CRM's circuit) and <c>GET /v1/admin/error-queues</c>, disposition <c>GET /v1/dispositions/unmapped</c>.
/// </summary>
public sealed class OverviewModel(PlatformClient platform) : PageModel
{
    public IReadOnlyList<HourlyChart.Point> Hours { get; private set; } = [];
    public JsonElement Latency { get; private set; }
    public JsonElement Outbox { get; private set; }
    public IReadOnlyList<(string Queue, long Messages)> ErrorQueues { get; private set; } = [];
    /// <summary>Each CRM's circuit: open, half-open or closed, since when, and how many breakers are not closed.</summary>
    public IReadOnlyList<Circuit> Circuits { get; private set; } = [];
    public long UnmappedWaiting { get; private set; }
    public int UnmappedValues { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var overview = await GetAsync(PlatformClient.Ingestion, "v1/admin/overview?hours=24", "the overview", ct);
        if (overview is { } o)
        {
            Hours = [.. o.GetProperty("hours").EnumerateArray().Select(h => new HourlyChart.Point(h.GetProperty("at").GetDateTimeOffset(),
                h.GetProperty("accepted").GetInt64(), h.GetProperty("delivered").GetInt64(), h.GetProperty("failed").GetInt64()))];
            Latency = o.GetProperty("deliveryLatency");
            Outbox = o.GetProperty("outbox");
            if (o.TryGetProperty("circuits", out var circuits))
            {
                Circuits = [.. circuits.EnumerateArray().Select(c => new Circuit(c.GetProperty("crm").GetString() ?? "", c.GetProperty("state").GetString() ?? "",
                    c.GetProperty("since").ValueKind == JsonValueKind.Null ? null : c.GetProperty("since").GetDateTimeOffset(),
                    c.GetProperty("openBreakers").GetInt32(), c.GetProperty("halfOpenBreakers").GetInt32()))];
            }
        }
        if (await GetAsync(PlatformClient.Ingestion, "v1/admin/error-queues", "the error queues", ct) is { } queues)
        {
            ErrorQueues = [.. queues.EnumerateArray().Select(q => (q.GetProperty("queue").GetString() ?? "", q.GetProperty("messages").GetInt64()))];
        }
        if (await GetAsync(PlatformClient.Disposition, "v1/dispositions/unmapped", "the unmapped values", ct) is { } unmapped)
        {
            var values = unmapped.GetProperty("providers").EnumerateArray()
                .SelectMany(p => p.GetProperty("statuses").EnumerateArray().Concat(p.GetProperty("activities").EnumerateArray())).ToList();
            UnmappedValues = values.Count;
            UnmappedWaiting = values.Sum(v => v.GetProperty("count").GetInt64());
        }
    }

    public sealed record Circuit(string Crm, string State, DateTimeOffset? Since, int OpenBreakers, int HalfOpenBreakers);

    public static string Seconds(JsonElement latency, string name) =>
        latency.ValueKind == JsonValueKind.Object && latency.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? $"{v.GetDouble():0.0} s" : "–";

    private async Task<JsonElement?> GetAsync(string service, string path, string what, CancellationToken ct)
    {
        try
        {
            var answer = await platform.GetAsync(service, path, ct);
            if (answer.Ok)
            {
                return answer.Body;
            }
            Errors.Add(answer.Status == HttpStatusCode.Forbidden ? $"{what}: spans accounts, not for a key of one account" : $"{what}: {answer.Problem}");
        }
        catch (HttpRequestException)
        {
            Errors.Add($"{what}: the service does not answer");
        }
        return null;
    }
}
