using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// The Disposition service and the CRM sandbox (<see cref="TestPlatform"/>), Disposition polling every 200 ms and its
/// client reading timelines and unmapped values with the admin key. Leads are made known the way the platform does
/// it: LeadConverted and LeadDelivered on the real broker.
/// </summary>
public sealed class DispositionPlatform : TestPlatform
{
    private DispositionPlatform(TestPlatform started) : base(started)
    {
    }

    /// <param name="postgresThrough">A proxy in front of PostgreSQL the Disposition service connects through (to cut the database away).</param>
    /// <param name="more">More services (ingestion, …).</param>
    public static async Task<DispositionPlatform> StartAsync(string purpose, TcpProxy? postgresThrough = null, Action<TestPlatformBuilder>? more = null)
    {
        var builder = Create(purpose).WithSandbox().WithDisposition(s =>
        {
            s.Set("Disposition:Polling:Tick", "00:00:00.200").AsAdmin();
            if (postgresThrough is not null)
            {
                s.Set("ConnectionStrings:Postgres", p => new Npgsql.NpgsqlConnectionStringBuilder(p.Environment.PostgresConnectionString)
                {
                    Host = "127.0.0.1", Port = postgresThrough.Port, Timeout = 3,
                }.ConnectionString);
            }
        });
        more?.Invoke(builder);
        return new DispositionPlatform(await builder.StartAsync());
    }

    /// <summary>A second (third...) Disposition instance on the same broker and database, as a scaled-out deployment runs.</summary>
    public Task<InProcessService> StartAnotherDispositionAsync() => StartAnotherAsync(DispositionRole);

    /// <summary>Stops the Disposition service and starts a fresh one on the same broker and database.</summary>
    public Task RestartDispositionAsync() => RestartAsync(DispositionRole);

    public Task PutIntegrationAsync(Integration integration) =>
        Disposition.Services.GetRequiredService<IntegrationStore>().UpsertAsync(integration);

    /// <summary>Publishes LeadConverted and LeadDelivered for a new lead and waits until its timeline shows the delivery.</summary>
    public async Task<Guid> DeliveredLeadAsync(string integrationId, string crm, string recordId, string? email = null)
    {
        var leadId = await PublishDeliveredLeadAsync(integrationId, crm, recordId, email);
        await Eventually.UntilAsync(() => TimelineOrNullAsync(leadId),
            t => t is { } timeline && Kinds(timeline).Contains("converted") && Kinds(timeline).Contains("delivered"),
            TimeSpan.FromSeconds(15), "the lead's converted and delivered entries");
        return leadId;
    }

    /// <summary>Publishes LeadConverted and LeadDelivered for a new lead, without waiting for them to be consumed.</summary>
    public async Task<Guid> PublishDeliveredLeadAsync(string integrationId, string crm, string recordId, string? email = null)
    {
        var leadId = Guid.NewGuid();
        var bus = Disposition.Services.GetRequiredService<IBus>();
        var acceptedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await bus.Publish(new LeadConverted
        {
            LeadId = leadId,
            AcceptedAt = acceptedAt,
            Lead = new Lead { Source = "roobrik", SourceLeadId = leadId.ToString(), AccountId = "acme", Conversion = Lead.SalesOptIn, Prospect = new Person { Email = email } },
            Deliveries = [new PlannedDelivery { IntegrationId = integrationId, Crm = crm }],
        });
        await bus.Publish(new LeadDelivered
        {
            LeadId = leadId, IntegrationId = integrationId, Crm = crm,
            RecordIds = new Dictionary<string, string> { ["lead"] = recordId }, Outcome = "created", Attempts = 1,
            AcceptedAt = acceptedAt, DeliveredAt = acceptedAt.AddSeconds(1),
        });
        return leadId;
    }

    public async Task<HttpResponseMessage> PushAsync(string integrationId, string body, string? secret, DateTimeOffset? signedAt = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"v1/dispositions/{integrationId}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, Encoding.UTF8.GetBytes(body)));
        }
        return await Disposition.Client.SendAsync(request);
    }

    public async Task<JsonElement?> TimelineOrNullAsync(Guid leadId)
    {
        using var response = await Disposition.Client.GetAsync($"v1/leads/{leadId}/timeline");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public async Task<JsonElement> TimelineAsync(Guid leadId) =>
        (await TimelineOrNullAsync(leadId)) ?? throw new AssertionException($"No timeline for {leadId}");

    public static IReadOnlyList<string> Kinds(JsonElement? timeline) =>
        timeline is { } t ? t.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList() : [];

    public static IReadOnlyList<JsonElement> Entries(JsonElement timeline, string kind) =>
        timeline.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == kind).ToList();

    /// <summary>Everything a disposition could change: timeline rows, current statuses, unmapped counts.</summary>
    public async Task<(long Timeline, long WithStatus, long Unmapped)> StateAsync()
    {
        await using var dataSource = Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, long)>("""
            select (select count(*) from disposition.timeline), (select count(*) from disposition.lead where status is not null),
                   (select coalesce(sum(seen), 0)::bigint from disposition.unmapped)
            """);
    }
}
