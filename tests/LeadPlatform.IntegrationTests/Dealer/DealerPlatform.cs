using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.IntegrationTests.Disposition;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Dealer;

/// <summary>
/// The Disposition service, the CRM sandbox (its dealer CRMs) and Ingestion (the integration and provider admin API)
/// in the test process, on one vhost and database. Integrations are saved through the admin API, so every one is
/// checked at the door as in production.
/// </summary>
public sealed class DealerPlatform : IAsyncDisposable
{
    public const string Secret = "dealer-webhook-secret-0123456789abcdef";

    public required DispositionPlatform Dispositions { get; init; }
    public InProcessService Ingestion => Dispositions.Ingestion;

    /// <param name="more">More services (the ADF connector, …).</param>
    public static async Task<DealerPlatform> StartAsync(string purpose, Action<TestPlatformBuilder>? more = null) => new()
    {
        Dispositions = await DispositionPlatform.StartAsync(purpose, more: b =>
        {
            b.WithIngestion(s => s.AsAdmin());
            more?.Invoke(b);
        }),
    };

    public Task<HttpResponseMessage> PutIntegrationAsync(string id, string provider, params string[] inbound) =>
        Ingestion.Client.PutAsJsonAsync($"v1/integrations/{id}", new
        {
            accountId = id, // an account per integration: several integrations read the same sandbox dealer feed
            crm = "adf",
            directions = new[] { "outbound" }.Concat(inbound),
            endpoint = new Uri(Dispositions.Sandbox.BaseAddress, $"dealer/{provider}").ToString(),
            credentials = new { webhookSecret = Secret, apiKey = "dealer-feed-key" },
            settings = new { delivery = "http", dealerProvider = provider, pollIntervalSeconds = 1 },
        });

    public async Task SaveIntegrationAsync(string id, string provider, params string[] inbound)
    {
        using var response = await PutIntegrationAsync(id, provider, inbound);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        // Disposition reads integrations through a short cache: wait until it knows this one.
        var store = Dispositions.Disposition.Services.GetRequiredService<IntegrationStore>();
        await Eventually.UntilAsync(async () => await store.FindAsync(id) is not null, TimeSpan.FromSeconds(10), $"disposition to know {id}");
    }

    /// <summary>
    /// A boat buyer's lead sent to the provider's dealer CRM as the ADF connector sends it (our lead id as the ADF
    /// prospect id) and made known to Disposition as delivered with the CRM's record id. Returns the lead and record id.
    /// </summary>
    public async Task<(Guid LeadId, string RecordId)> DeliveredLeadAsync(string integrationId, string provider)
    {
        var leadId = Guid.NewGuid();
        var email = $"skipper-{leadId:N}@example.com";
        var adf = $"""
            <?xml version="1.0"?><?adf version="1.0"?>
            <adf><prospect><id sequence="1" source="LeadPlatform">{leadId}</id><requestdate>2026-12-02T10:00:00Z</requestdate>
            <vehicle interest="buy" status="new"><year>2026</year><make>Boston Whaler</make><model>210 Montauk</model></vehicle>
            <customer><contact><name part="first">Sam</name><name part="last">Skipper</name><email>{email}</email></contact></customer>
            <vendor><vendorname>Harbor Marine</vendorname></vendor></prospect></adf>
            """;
        using var sent = await Dispositions.Sandbox.Client.PostAsync($"dealer/{provider}", new StringContent(adf, Encoding.UTF8, "application/xml"));
        Assert.That(sent.IsSuccessStatusCode, Is.True, await sent.Content.ReadAsStringAsync());
        var recordId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var bus = Dispositions.Disposition.Services.GetRequiredService<IBus>();
        var acceptedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await bus.Publish(new LeadConverted
        {
            LeadId = leadId, AcceptedAt = acceptedAt,
            Lead = new Lead { Source = "boats", SourceLeadId = leadId.ToString(), AccountId = integrationId, Conversion = Lead.SalesOptIn, Prospect = new Person { Email = email } },
            Deliveries = [new PlannedDelivery { IntegrationId = integrationId, Crm = "adf" }],
        });
        await bus.Publish(new LeadDelivered
        {
            LeadId = leadId, IntegrationId = integrationId, Crm = "adf",
            RecordIds = new Dictionary<string, string> { ["adf"] = recordId }, Outcome = "created", Attempts = 1,
            AcceptedAt = acceptedAt, DeliveredAt = acceptedAt.AddSeconds(1),
        });
        await Eventually.UntilAsync(() => Dispositions.TimelineOrNullAsync(leadId),
            t => DispositionPlatform.Kinds(t).Contains("delivered"), TimeSpan.FromSeconds(15), "the lead's delivered entry");
        return (leadId, recordId);
    }

    /// <summary>The dealer's salesperson works the lead in the sandbox CRM: pushed to the platform, or onto the feed.</summary>
    public async Task<JsonElement> WorkAsync(string provider, string recordId, string? status, string? activity, string? pushTo)
    {
        using var response = await Dispositions.Sandbox.Client.PostAsJsonAsync($"dealer/{provider}/leads/{recordId}/work", new
        {
            status,
            activities = activity is null ? null : new[] { new { type = activity, details = "from the dealer" } },
            push = pushTo is null ? null : new { url = new Uri(Dispositions.Disposition.BaseAddress, $"v1/dispositions/{pushTo}/dealer").ToString(), secret = Secret },
        });
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<IReadOnlyList<string>> UnmappedAsync(string provider, string kind)
    {
        var unmapped = await Dispositions.Disposition.Client.GetFromJsonAsync<JsonElement>("v1/dispositions/unmapped");
        return unmapped.GetProperty("providers").EnumerateArray()
            .Where(p => p.GetProperty("provider").GetString() == provider)
            .SelectMany(p => p.GetProperty(kind).EnumerateArray().Select(v => v.GetProperty("raw").GetString()!)).ToList();
    }

    public ValueTask DisposeAsync() => Dispositions.DisposeAsync();
}
