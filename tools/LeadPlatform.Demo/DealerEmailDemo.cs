using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Contracts;

namespace LeadPlatform.Demo;

/// <summary>
/// A dealer whose CRM takes leads by ADF email and can only be polled (a Web Control-style RV dealer): an RV show lead
/// goes out as an ADF email to the dealer's lead address (the sandbox's mail sink hands it to its dealer CRM), the
/// dealer works it, and the poller brings the dealer statuses from the CRM's feed onto the timeline (docs/dealer-crms.md).
/// </summary>
public static class DealerEmailDemo
{
    public const string IntegrationId = "demo-rv-dealer";
    private const string Provider = "webcontrol";

    public static async Task RunAsync(HttpClient ingestion, HttpClient sandbox, HttpClient disposition, string runId, string apiKey)
    {
        var lead = new Lead
        {
            Source = "rv-show",
            SourceLeadId = $"rv-{runId}",
            AccountId = "lakeside-rv",
            Conversion = Lead.SalesOptIn,
            OccurredAt = DateTimeOffset.UtcNow,
            Prospect = new Person { FirstName = "Rita", LastName = "Rover", Email = $"rita.{runId}@example.com", Phone = "555-0177" },
            Vehicles = [new Vehicle { Year = 2026, Make = "Airstream", Model = "Basecamp 20X", Interest = "buy", Condition = "new" }],
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(lead, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await ingestion.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Console.WriteLine();
        Console.WriteLine("RV dealer lead (ADF by email to a Web Control-style dealer CRM, statuses back by polling its feed)");
        if (!response.IsSuccessStatusCode)
        {
            Console.WriteLine($"  refused {(int)response.StatusCode}: {body}");
            return;
        }
        var leadId = body.GetProperty("leadId").GetString()!;
        if (await DealerLeadAsync(sandbox, leadId) is not { } received)
        {
            Console.WriteLine($"  lead {leadId}: no ADF email at the dealer CRM yet; see GET /v1/leads/{leadId} and /sandbox/mail");
            return;
        }
        var recordId = received.GetProperty("id").GetString()!;
        Console.WriteLine($"  lead {leadId} -> ADF email (Message-ID {Text(received, "messageId")}) -> dealer CRM lead {recordId}");
        await WorkAsync(sandbox, recordId, new { status = "First Response", activities = new[] { new { type = "Text Message", details = "sent the brochure" } } });
        await WorkAsync(sandbox, recordId, new { status = "Sold", activities = new[] { new { type = "Phone Call", details = "delivery on Saturday" } } });
        await Timeline.PrintAsync(disposition, leadId, "\"Sold\"");
    }

    /// <summary>The sandbox dealer CRM's lead once the ADF email for our lead arrived (its ADF prospect id is our lead id).</summary>
    private static async Task<JsonElement?> DealerLeadAsync(HttpClient sandbox, string leadId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var records = await sandbox.GetFromJsonAsync<JsonElement>($"sandbox/records?crm=dealer-{Provider}&kind=lead");
            foreach (var record in records.EnumerateArray())
            {
                if (record.GetProperty("fields").TryGetProperty("prospectId", out var id) && id.GetString() == leadId)
                {
                    return record;
                }
            }
            await Task.Delay(300);
        }
        return null;
    }

    private static string Text(JsonElement record, string field) =>
        record.GetProperty("fields").TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static Task WorkAsync(HttpClient sandbox, string recordId, object work) =>
        Timeline.PostUntilAcceptedAsync(sandbox, $"dealer/{Provider}/leads/{recordId}/work", work);
}
