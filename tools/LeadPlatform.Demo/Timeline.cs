using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace LeadPlatform.Demo;

/// <summary>Plays the CRM: the sandbox moves the prospect on and pushes it, signed; then prints the lead's timeline.</summary>
public static class Timeline
{
    public static async Task ShowAsync(HttpClient sandbox, HttpClient disposition, string leadId, string prospectId, string secret)
    {
        var push = new { url = new Uri(disposition.BaseAddress!, "v1/dispositions/demo-enquire").ToString(), secret };
        var now = DateTimeOffset.UtcNow;
        await PushAsync(sandbox, new { crm = "enquire", recordId = prospectId, status = "Contacted", activity = new { type = "Call", details = "first call" }, occurredAt = now, push });
        await PushAsync(sandbox, new { crm = "enquire", recordId = prospectId, status = "Tour Scheduled", activity = new { type = "Appointment", details = "tour on Friday" }, occurredAt = now.AddSeconds(1), push });
        await PrintAsync(disposition, leadId, "Tour Scheduled");
    }

    /// <summary>Prints the lead's timeline once it shows <paramref name="awaited"/> (or after 15 s).</summary>
    public static async Task PrintAsync(HttpClient disposition, string leadId, string awaited)
    {
        Console.WriteLine();
        Console.WriteLine($"Timeline of lead {leadId}");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonElement timeline;
        do
        {
            timeline = await disposition.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}/timeline");
            await Task.Delay(200);
        }
        while (!timeline.GetRawText().Contains(awaited, StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        foreach (var entry in timeline.GetProperty("entries").EnumerateArray())
        {
            Console.WriteLine($"  {Text(entry, "occurredAt"),-34} {Text(entry, "kind"),-16} {Describe(entry)}");
        }
        Console.WriteLine($"  current status: {Text(timeline, "status")}");
    }

    private static Task PushAsync(HttpClient sandbox, object change) => PostUntilAcceptedAsync(sandbox, "sandbox/dispositions", change);

    /// <summary>
    /// Has the sandbox CRM push a change, retrying for a few seconds: the disposition service may not have consumed the
    /// delivery (and so the CRM record id) yet.
    /// </summary>
    public static async Task PostUntilAcceptedAsync(HttpClient sandbox, string path, object change)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            // With Content-Length: the sandbox, like some CRM gateways, refuses chunked bodies (411).
            using var body = new StringContent(JsonSerializer.Serialize(change, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
            using var response = await sandbox.PostAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            // The sandbox relays the platform's answer as JSON; anything else (a plain-text error) is shown as it came.
            var answer = text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement : JsonSerializer.SerializeToElement(text);
            var status = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("statusCode", out var code) ? code.GetInt32() : (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Console.WriteLine($"  (the disposition push was refused: {status} {answer})");
                return;
            }
            await Task.Delay(300);
        }
    }

    private static string Describe(JsonElement entry) =>
        string.Join(" ", new[] { "source", "integrationId", "raw", "value", "details" }
            .Where(name => entry.TryGetProperty(name, out var v) && v.ValueKind is not JsonValueKind.Null)
            .Select(name => $"{name}={(entry.GetProperty(name).ValueKind == JsonValueKind.String ? entry.GetProperty(name).GetString() : entry.GetProperty(name).GetRawText())}"));

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
