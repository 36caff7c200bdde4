using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Demo;

// Sends the demo leads to a running platform, prints where each one landed, then has the sandbox CRM push
// a disposition for the first one and prints that lead's timeline.
var ingestion = new HttpClient { BaseAddress = new Uri(Arg("--ingestion", "http://127.0.0.1:5080/")) };
var sandbox = new HttpClient { BaseAddress = new Uri(Arg("--sandbox", "http://127.0.0.1:5070/")) };
var disposition = new HttpClient { BaseAddress = new Uri(Arg("--disposition", "http://127.0.0.1:5090/")) };
string? firstLeadId = null;
string? firstEnquireProspect = null;
var deliveredLeads = new List<string>();
var notificationsExpected = 0;
var runId = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
var apiKey = Arg("--api-key", "");
if (apiKey.Length > 0)
{
    ingestion.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
}
// The timeline needs a key: the admin key when given (build/up.sh passes the machine's), else the source key of the leads.
var adminKey = Arg("--admin-key", "");
if (adminKey.Length > 0)
{
    disposition.DefaultRequestHeaders.Add("X-Admin-Key", adminKey);
}
else if (apiKey.Length > 0)
{
    disposition.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
}

Console.WriteLine();
Console.WriteLine("Demo leads");
foreach (var lead in DemoLeads.Create(runId))
{
    using var response = await ingestion.PostAsJsonAsync("v1/leads", lead, PlatformJson.Options);
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (!response.IsSuccessStatusCode)
    {
        Console.WriteLine($"  {lead.SourceLeadId}: refused {(int)response.StatusCode}: {body}");
        continue;
    }
    var leadId = body.GetProperty("leadId").GetString()!;
    firstLeadId ??= leadId;
    var who = lead.Contact is null ? "self-assessor" : $"on behalf of the prospect, by \"{lead.Contact.Relationship}\"";
    Console.WriteLine($"  {lead.SourceLeadId} ({lead.Conversion}, {who}) -> lead {leadId}");
    var view = await WaitDeliveredAsync(leadId);
    var deliveries = view.GetProperty("deliveries");
    if (deliveries.GetArrayLength() == 0)
    {
        Console.WriteLine("      stored, not pushed (not a sales opt-in)");
    }
    foreach (var delivery in deliveries.EnumerateArray())
    {
        delivery.TryGetProperty("recordIds", out var r);
        var ids = r.ValueKind == JsonValueKind.Object ? string.Join(", ", r.EnumerateObject().Select(p => $"{p.Name} {p.Value.GetString()}")) : "";
        if (leadId == firstLeadId && delivery.GetProperty("crm").GetString() == "enquire" && r.ValueKind == JsonValueKind.Object)
        {
            firstEnquireProspect = r.GetProperty("prospect").GetString();
        }
        if (delivery.GetProperty("state").GetString() == "delivered")
        {
            deliveredLeads.Add(leadId);
            notificationsExpected++; // both demo integrations name notification recipients
        }
        Console.WriteLine($"      {delivery.GetProperty("crm").GetString()} via {delivery.GetProperty("integrationId").GetString()}: " +
            $"{delivery.GetProperty("state").GetString()} after {delivery.GetProperty("attempts").GetInt32()} attempt(s) {ids}");
    }
}

await NotificationMail.ShowAsync(sandbox, deliveredLeads, notificationsExpected);

if (firstLeadId is not null && firstEnquireProspect is not null)
{
    await Timeline.ShowAsync(sandbox, disposition, firstLeadId, firstEnquireProspect, Arg("--webhook-secret", "demo-webhook-secret-0123456789abcdef"));
}
await DealerDemo.RunAsync(ingestion, sandbox, disposition, runId, Arg("--dealer-api-key", "demo-boat-show-api-key-0001"), Arg("--dealer-webhook-secret", "demo-dealer-secret-0123456789abcdef"));
await DealerEmailDemo.RunAsync(ingestion, sandbox, disposition, runId, Arg("--rv-dealer-api-key", "demo-rv-show-api-key-0001"));
return 0;

async Task<JsonElement> WaitDeliveredAsync(string leadId)
{
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (true)
    {
        var view = await ingestion.GetFromJsonAsync<JsonElement>($"v1/leads/{leadId}");
        var pending = view.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("state").GetString() == "planned");
        if (!pending || DateTime.UtcNow > deadline)
        {
            return view;
        }
        await Task.Delay(200);
    }
}

string Arg(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
