using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.Contracts;

namespace LeadPlatform.Demo;

/// <summary>
/// A boat dealer both ways: a boat show lead goes to the dealer's CRM as ADF over HTTP (the sandbox's dx1-style dealer
/// CRM), the dealer works it, its CRM pushes the dealer statuses back, and they land on the lead's timeline mapped
/// through the provider's vocabulary (docs/dealer-crms.md).
/// </summary>
public static class DealerDemo
{
    public const string IntegrationId = "demo-boat-dealer";
    private const string Provider = "dx1";

    public static async Task RunAsync(HttpClient ingestion, HttpClient sandbox, HttpClient disposition, string runId, string apiKey, string secret)
    {
        var lead = new Lead
        {
            Source = "boat-show",
            SourceLeadId = $"boat-{runId}",
            AccountId = "harbor-marine",
            Conversion = Lead.SalesOptIn,
            OccurredAt = DateTimeOffset.UtcNow,
            Prospect = new Person { FirstName = "Sam", LastName = "Skipper", Email = $"sam.{runId}@example.com", Phone = "555-0142" },
            Vehicles = [new Vehicle { Year = 2026, Make = "Boston Whaler", Model = "210 Montauk", Interest = "buy", Condition = "new" }],
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/leads") { Content = JsonContent.Create(lead, options: PlatformJson.Options) };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await ingestion.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Console.WriteLine();
        Console.WriteLine("Boat dealer lead (ADF to a dx1-style dealer CRM, statuses back by push)");
        if (!response.IsSuccessStatusCode)
        {
            Console.WriteLine($"  refused {(int)response.StatusCode}: {body}");
            return;
        }
        var leadId = body.GetProperty("leadId").GetString()!;
        if (await DealerRecordAsync(ingestion, leadId, apiKey) is not { } recordId)
        {
            Console.WriteLine($"  lead {leadId}: not delivered to {IntegrationId} yet; see GET /v1/leads/{leadId}");
            return;
        }
        Console.WriteLine($"  lead {leadId} -> ADF to the dealer CRM, record {recordId}");
        var push = new { url = new Uri(disposition.BaseAddress!, $"v1/dispositions/{IntegrationId}/dealer").ToString(), secret };
        await WorkAsync(sandbox, recordId, new { status = "Working Sales", activities = new[] { new { type = "Call", details = "asked about a sea trial" } }, push });
        await WorkAsync(sandbox, recordId, new { status = "Quote", activities = new[] { new { type = "Major Unit Quote", details = "210 Montauk with trailer" } }, push });
        await WorkAsync(sandbox, recordId, new { status = "Finalized", push });
        await Timeline.PrintAsync(disposition, leadId, "Finalized");
    }

    /// <summary>The dealer CRM's record id once the ADF connector delivered the lead.</summary>
    private static async Task<string?> DealerRecordAsync(HttpClient ingestion, string leadId, string apiKey)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"v1/leads/{leadId}");
            get.Headers.Add("X-Api-Key", apiKey);
            using var answer = await ingestion.SendAsync(get);
            if (answer.IsSuccessStatusCode)
            {
                var view = await answer.Content.ReadFromJsonAsync<JsonElement>();
                var delivery = view.GetProperty("deliveries").EnumerateArray().FirstOrDefault(d => d.GetProperty("integrationId").GetString() == IntegrationId);
                if (delivery.ValueKind == JsonValueKind.Object && delivery.TryGetProperty("recordIds", out var ids)
                    && ids.ValueKind == JsonValueKind.Object && ids.TryGetProperty("adf", out var id))
                {
                    return id.GetString();
                }
            }
            await Task.Delay(300);
        }
        return null;
    }

    private static Task WorkAsync(HttpClient sandbox, string recordId, object work) =>
        Timeline.PostUntilAcceptedAsync(sandbox, $"dealer/{Provider}/leads/{recordId}/work", work);
}
