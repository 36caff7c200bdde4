using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// The Disposition service and the CRM sandbox hosted in the test process on their own vhost and database.
/// Leads are made known the way the platform does it: LeadConverted and LeadDelivered on the real broker.
/// </summary>
public sealed class DispositionPlatform : IAsyncDisposable
{
    public required IsolatedEnvironment Environment { get; init; }
    public required InProcessService Sandbox { get; init; }
    public required InProcessService Disposition { get; set; }

    /// <param name="postgresThrough">A proxy in front of PostgreSQL the Disposition service connects through (to cut the database away).</param>
    public static async Task<DispositionPlatform> StartAsync(string purpose, TcpProxy? postgresThrough = null)
    {
        var environment = await IsolatedEnvironment.CreateAsync(purpose);
        var config = environment.ServiceConfiguration();
        config["Disposition:Polling:Tick"] = "00:00:00.200";
        var dispositionConfig = new Dictionary<string, string?>(config);
        if (postgresThrough is not null)
        {
            dispositionConfig["ConnectionStrings:Postgres"] = new Npgsql.NpgsqlConnectionStringBuilder(environment.PostgresConnectionString)
            {
                Host = "127.0.0.1", Port = postgresThrough.Port, Timeout = 3,
            }.ConnectionString;
        }
        var sandbox = await InProcessService.StartAsync("sandbox", config,
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        var disposition = await StartDispositionAsync(dispositionConfig);
        var platform = new DispositionPlatform { Environment = environment, Sandbox = sandbox, Disposition = disposition };
        foreach (var service in new[] { sandbox, disposition })
        {
            await Eventually.UntilAsync(async () => (await service.Client.GetAsync("health/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), $"{service.App.Environment.ApplicationName} to be ready");
        }
        return platform;
    }

    /// <summary>Its client reads timelines and unmapped values with the environment's admin key.</summary>
    private static async Task<InProcessService> StartDispositionAsync(IDictionary<string, string?> config)
    {
        var disposition = await InProcessService.StartAsync("disposition", config,
            b => { b.AddServiceDefaults(); b.AddDisposition(); },
            a => { a.MapDefaultEndpoints(); a.MapDisposition(); });
        disposition.Client.DefaultRequestHeaders.Add("X-Admin-Key", IsolatedEnvironment.AdminKey);
        return disposition;
    }

    /// <summary>A second (third...) Disposition instance on the same broker and database, as a scaled-out deployment runs.</summary>
    public async Task<InProcessService> StartAnotherDispositionAsync()
    {
        var config = Environment.ServiceConfiguration();
        config["Disposition:Polling:Tick"] = "00:00:00.200";
        var another = await StartDispositionAsync(config);
        await Eventually.UntilAsync(async () => (await another.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "another disposition instance to be ready");
        return another;
    }

    /// <summary>Stops the Disposition service and starts a fresh one on the same broker and database.</summary>
    public async Task RestartDispositionAsync()
    {
        await Disposition.DisposeAsync();
        var config = Environment.ServiceConfiguration();
        config["Disposition:Polling:Tick"] = "00:00:00.200";
        Disposition = await StartDispositionAsync(config);
        await Eventually.UntilAsync(async () => (await Disposition.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "disposition to be ready again");
    }

    public Task PutIntegrationAsync(Integration integration) =>
        Disposition.Services.GetRequiredService<IntegrationStore>().UpsertAsync(integration);

    /// <summary>Publishes LeadConverted and LeadDelivered for a new lead and waits until its timeline shows the delivery.</summary>
    public async Task<Guid> DeliveredLeadAsync(string integrationId, string crm, string recordId, string? email = null)
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
        await Eventually.UntilAsync(() => TimelineOrNullAsync(leadId),
            t => t is { } timeline && Kinds(timeline).Contains("converted") && Kinds(timeline).Contains("delivered"),
            TimeSpan.FromSeconds(15), "the lead's converted and delivered entries");
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

    public async ValueTask DisposeAsync()
    {
        await Disposition.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Environment.DisposeAsync();
    }
}
