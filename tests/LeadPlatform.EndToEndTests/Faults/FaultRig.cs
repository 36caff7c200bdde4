using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using LeadPlatform.EndToEndTests.Support;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// The platform as separate processes with a <see cref="TcpProxy"/> between every service and RabbitMQ and
/// PostgreSQL, so a test can cut the broker or the database for the services without touching the servers.
/// Drives a steady stream of leads and checks the pass criteria of the fault suite.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    public const string AccountId = "faults-account";
    public const string ApiKey = "faults-roobrik-api-key-0001";
    public const string LateAccountId = "faults-late-account";
    public const string IntegrationId = "faults-enquire";
    public const string WebhookSecret = "faults-webhook-secret-0123456789abcdef";

    public required ProcessPlatform Platform { get; init; }
    public required TcpProxy Rabbit { get; init; }
    public required TcpProxy Postgres { get; init; }

    public ServiceProcess Ingestion => Platform.Ingestion;
    public ServiceProcess Connector => Platform.Service("connector-enquire");
    public ServiceProcess Disposition => Platform.Service("disposition");
    public SandboxClient Sandbox => Platform.SandboxApi;
    public IsolatedEnvironment Environment => Platform.Environment;

    /// <summary>The configuration the rig's services got, to start more instances of them.</summary>
    public Dictionary<string, string?> Connections { get; private set; } = [];

    /// <summary>
    /// On the shared servers, every service behind the proxies; or, given <paramref name="servers"/> (private servers
    /// the test stops and kills itself), connected to them directly. <paramref name="overrides"/> replace settings
    /// (e.g. a cluster's broker addresses, which name the environment's virtual host).
    /// </summary>
    public static async Task<FaultRig> StartAsync(string purpose = "faults", ServerEndpoints? servers = null,
        Func<IsolatedEnvironment, IDictionary<string, string?>>? overrides = null)
    {
        var platform = servers is null ? await ProcessPlatform.CreateAsync(purpose) : await ProcessPlatform.CreateAsync(purpose, servers);
        var target = servers ?? ServerEndpoints.Shared;
        var postgresTarget = new NpgsqlConnectionStringBuilder(target.PostgresAdmin);
        var rabbit = TcpProxy.Start(target.RabbitHost, target.RabbitPort);
        var postgres = TcpProxy.Start(postgresTarget.Host!, postgresTarget.Port);
        var rig = new FaultRig { Platform = platform, Rabbit = rabbit, Postgres = postgres };
        var connections = servers is null ? rig.ProxiedConnections() : platform.Environment.ServiceConfiguration();
        connections["RabbitMq:Management"] = target.RabbitManagement;
        connections["Bus:Watchdog:Enabled"] = "true"; // the rig supervises its services (restarts one that stops itself)
        foreach (var (key, value) in overrides?.Invoke(platform.Environment) ?? new Dictionary<string, string?>())
        {
            connections[key] = value;
        }
        rig.Connections = connections;
        await platform.StartSandboxAsync();
        await platform.StartAsync("ingestion", "services/Ingestion", "LeadPlatform.Ingestion", connections);
        await platform.StartAsync("connector-enquire", "services/Connectors/Enquire", "LeadPlatform.Connectors.Enquire", connections);
        await platform.StartAsync("disposition", "services/Disposition", "LeadPlatform.Disposition", connections);
        foreach (var service in new[] { rig.Ingestion, rig.Connector, rig.Disposition })
        {
            service.Supervised = true;
        }
        await rig.PutSourceKeyAsync();
        await platform.PutIntegrationAsync(IntegrationId, new
        {
            accountId = AccountId,
            crm = "enquire",
            directions = new[] { "outbound", "inbound-push" },
            endpoint = new Uri(platform.Sandbox.BaseAddress, "enquire/v1").ToString(),
            credentials = new { subscriptionKey = "sandbox-enquire-key", webhookSecret = WebhookSecret },
        });
        platform.Ingestion.Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return rig;
    }

    private Dictionary<string, string?> ProxiedConnections()
    {
        var postgres = new NpgsqlConnectionStringBuilder(Environment.PostgresConnectionString) { Port = Postgres.Port };
        var rabbit = new UriBuilder(Environment.RabbitMqUri) { Port = Rabbit.Port };
        return new()
        {
            ["ConnectionStrings:Postgres"] = postgres.ToString(),
            ["ConnectionStrings:RabbitMq"] = rabbit.Uri.ToString(),
        };
    }

    private async Task PutSourceKeyAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "v1/source-keys/roobrik")
        {
            // The replay test's broker leads go to an account configured only later; the key may already submit there.
            Content = JsonContent.Create(new { key = ApiKey, accounts = new[] { AccountId, LateAccountId } }),
        };
        request.Headers.Add("X-Admin-Key", ProcessPlatform.AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        Assert.That(response.IsSuccessStatusCode, Is.True, await response.Content.ReadAsStringAsync());
    }

    /// <summary>What one POST got: the status (0 when the request itself failed) and, on 202, the lead id.</summary>
    public sealed record Submission(string Email, HttpStatusCode Status, Guid? LeadId, DateTimeOffset At);

    /// <summary>
    /// Posts <paramref name="perSecond"/> leads a second for <paramref name="duration"/>, each with its own email
    /// <c>{prefix}-{n}@example.com</c>, running <paramref name="fault"/> alongside; returns every answer.
    /// </summary>
    public async Task<IReadOnlyList<Submission>> StreamAsync(string prefix, Func<Task> fault, int perSecond = 20, double seconds = 8)
    {
        var results = new ConcurrentBag<Submission>();
        var inFlight = new List<Task>();
        var count = (int)(perSecond * seconds);
        var faultTask = Task.Run(fault);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var n = 0; n < count; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
            var email = $"{prefix}-{n}@example.com";
            var sourceLeadId = $"{prefix}-{n}";
            inFlight.Add(Task.Run(async () => results.Add(await PostAsync(email, sourceLeadId))));
        }
        await Task.WhenAll(inFlight);
        await faultTask;
        var list = results.OrderBy(r => r.At).ToList();
        var byStatus = string.Join(", ", list.GroupBy(r => r.Status).Select(g => $"{(int)g.Key}: {g.Count()}"));
        await TestContext.Progress.WriteLineAsync($"[{prefix}] {list.Count} posts; answers {byStatus}");
        return list;
    }

    private async Task<Submission> PostAsync(string email, string sourceLeadId)
    {
        var lead = new
        {
            source = "roobrik",
            sourceLeadId,
            accountId = AccountId,
            conversion = "sales-opt-in",
            prospect = new { firstName = "Fault", lastName = "Suite", email },
        };
        try
        {
            using var response = await Ingestion.Client.PostAsJsonAsync("v1/leads", lead);
            Guid? leadId = null;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                leadId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetGuid();
            }
            return new Submission(email, response.StatusCode, leadId, DateTimeOffset.UtcNow);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Submission(email, 0, null, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>
    /// The pass criteria: every 202 is a stored row and exactly one Enquire record, no lead of the stream is in the
    /// CRM twice, and every queue drains except the expected poison in <paramref name="expectedDeadLetters"/>.
    /// </summary>
    public async Task AssertNothingLostOrDuplicatedAsync(string prefix, IReadOnlyList<Submission> submissions,
        IDictionary<string, int>? expectedDeadLetters = null, TimeSpan? within = null)
    {
        var accepted = submissions.Where(s => s.Status == HttpStatusCode.Accepted).ToList();
        Assert.That(accepted, Is.Not.Empty, "no lead was accepted at all");

        await using (var db = Environment.CreateDataSource())
        await using (var connection = await db.OpenConnectionAsync())
        {
            var ids = accepted.Select(s => s.LeadId!.Value).ToArray();
            var stored = await connection.ExecuteScalarAsync<long>("select count(*) from ingestion.lead where id = any(@ids)", new { ids });
            Assert.That(stored, Is.EqualTo(ids.Length), "every lead answered 202 is a committed row");
        }

        var emails = accepted.Select(s => s.Email).ToHashSet();
        var records = await Eventually.UntilAsync(
            () => Sandbox.RecordsAsync("enquire", "individual"),
            all => emails.IsSubsetOf(all.Select(r => SandboxClient.Text(r, "email") ?? "")),
            within ?? TimeSpan.FromSeconds(90), $"all {emails.Count} accepted leads of {prefix} in Enquire");
        // Let late retries land, if any were going to duplicate, before counting.
        await Task.Delay(TimeSpan.FromSeconds(2));
        records = await Sandbox.RecordsAsync("enquire", "individual");
        var duplicates = records
            .Select(r => SandboxClient.Text(r, "email") ?? "")
            .Where(e => e.StartsWith(prefix + "-", StringComparison.Ordinal))
            .GroupBy(e => e).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
        Assert.That(duplicates, Is.Empty, "a lead pushed twice into Enquire");

        // The delivery view follows: every accepted lead shows its delivery as delivered. An outcome event lost to
        // the fault is published again by the connector's sweep once 10 s old, a LeadConverted by the outbox poll once
        // 11 s old, each after the bus reconnected: together more than 30 s in the worst case. If the fault wedged a
        // service's broker client (docs/faults.md, item 8), its watchdog restarts it after two timed-out publishes
        // (2 x 15 s) and two rounds (10 s), and the restarted connector's sweep publishes again: up to ~75 s, hence 120.
        await using (var db = Environment.CreateDataSource())
        {
            var ids = accepted.Select(s => s.LeadId!.Value).ToArray();
            await Eventually.UntilAsync(async () =>
            {
                await using var connection = await db.OpenConnectionAsync();
                return await connection.QuerySingleAsync<DeliveryViewCounts>(DeliveryViewSql, new { ids });
            }, c => c.ViewNotDelivered == 0, OutcomesWithin, "the delivery view to show every accepted lead delivered");
        }

        await AssertDeliveredOnceOnTimelinesAsync(accepted.Select(s => s.LeadId!.Value).ToArray());
        await AssertQueuesDrainedAsync(expectedDeadLetters ?? new Dictionary<string, int>());
        foreach (var service in new[] { Ingestion, Connector, Disposition }.Where(s => s.SupervisorRestarts > 0))
        {
            await TestContext.Progress.WriteLineAsync($"[{prefix}] {service.Name} has stopped itself {service.SupervisorRestarts} time(s) in this fixture and was restarted (its log says why)");
        }
    }

    private static readonly TimeSpan OutcomesWithin = TimeSpan.FromSeconds(120);

    /// <summary>The disposition service puts each delivery on the lead's timeline once, however often LeadDelivered arrived.</summary>
    private async Task AssertDeliveredOnceOnTimelinesAsync(Guid[] ids)
    {
        const string sql = """
            select count(*) filter (where n = 0) as Missing, count(*) filter (where n > 1) as Duplicated
              from (select (select count(*) from disposition.timeline t where t.lead_id = u.lead and t.kind = 'delivered') as n
                      from unnest(@ids) as u(lead)) per_lead
            """;
        await using var db = Environment.CreateDataSource();
        var counts = await Eventually.UntilAsync(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            return await connection.QuerySingleAsync<TimelineCounts>(sql, new { ids });
        }, c => c.Missing == 0, OutcomesWithin, "every accepted lead's delivery on its disposition timeline");
        Assert.That(counts.Duplicated, Is.Zero, "leads whose timeline shows the delivery more than once");
    }

    /// <summary>The view's state beside the ledger's, so a timeout says which side is behind.</summary>
    private const string DeliveryViewSql = """
        select (select count(*) from ingestion.lead_delivery where lead_id = any(@ids) and state <> 'delivered') as ViewNotDelivered,
               (select count(*) from delivery.ledger where lead_id = any(@ids) and state <> 'delivered') as LedgerNotDelivered,
               (select count(*) from delivery.ledger where lead_id = any(@ids) and outcome_published_at is null) as OutcomeUnpublished
        """;

    private sealed record DeliveryViewCounts
    {
        public long ViewNotDelivered { get; init; }
        public long LedgerNotDelivered { get; init; }
        public long OutcomeUnpublished { get; init; }
    }

    private sealed record TimelineCounts
    {
        public long Missing { get; init; }
        public long Duplicated { get; init; }
    }

    /// <summary>The most CRM attempts any accepted lead of the stream took: evidence the fault was really played.</summary>
    public async Task<int> MaxAttemptsAsync(IReadOnlyList<Submission> submissions)
    {
        var ids = submissions.Where(s => s.LeadId is not null).Select(s => s.LeadId!.Value).ToArray();
        await using var db = Environment.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("select coalesce(max(attempts), 0) from delivery.ledger where lead_id = any(@ids)", new { ids });
    }

    /// <summary>Committed outbox rows no relay has marked published yet.</summary>
    public async Task<long> UnpublishedOutboxRowsAsync()
    {
        await using var db = Environment.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("select count(*) from ingestion.outbox where published_at is null");
    }

    private IDictionary<string, int> _deadLettersBefore = new Dictionary<string, int>();

    /// <summary>Before each test: marks its start in the services' logs, and snapshots the dead letters.</summary>
    public Task BeginTestAsync()
    {
        Platform.NoteTestBegins();
        return SnapshotDeadLettersAsync();
    }

    /// <summary>Remembers what error queues held before a test, so one test's dead letters don't fail the next.</summary>
    private async Task SnapshotDeadLettersAsync() =>
        _deadLettersBefore = (await QueueDepthsAsync()).Where(q => q.Value > 0 && (q.Key.EndsWith("_error", StringComparison.Ordinal) || q.Key.EndsWith("_skipped", StringComparison.Ordinal))).ToDictionary(q => q.Key, q => q.Value);

    public async Task AssertQueuesDrainedAsync(IDictionary<string, int> expectedDeadLetters)
    {
        string Describe(IDictionary<string, int> depths) => string.Join(", ", depths.Select(d => $"{d.Key}={d.Value}"));
        int Expected(string queue) =>
            (expectedDeadLetters.TryGetValue(queue, out var now) ? now : 0) + (_deadLettersBefore.TryGetValue(queue, out var before) ? before : 0);
        // Management statistics lag a few seconds behind the queues.
        var depths = await Eventually.UntilAsync(QueueDepthsAsync,
            all => all.All(q => q.Value == Expected(q.Key)),
            TimeSpan.FromSeconds(40), "queues to drain to the expected poison only");
        await TestContext.Progress.WriteLineAsync($"queues: {Describe(depths)}");
    }

    private async Task<IDictionary<string, int>> QueueDepthsAsync()
    {
        var depths = new Dictionary<string, int>();
        foreach (var queue in await Environment.QueueNamesAsync())
        {
            depths[queue] = await Environment.QueueDepthAsync(queue) ?? 0;
        }
        return depths;
    }

    /// <summary>What ops do once the cause is fixed: move an error queue back to its source through the admin API.</summary>
    public async Task<int> DrainErrorQueueAsync(string errorQueue)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/admin/error-queues/{errorQueue}/drain");
        request.Headers.Add("X-Admin-Key", ProcessPlatform.AdminKey);
        using var response = await Ingestion.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("moved").GetInt32();
    }

    /// <summary>Publishes raw bytes to a queue through the management API (default exchange), as a foreign publisher would.</summary>
    public static async Task PublishRawAsync(IsolatedEnvironment environment, string queue, string body, string? contentType, string? messageType = null,
        string? apiKey = null)
    {
        using var management = new HttpClient { BaseAddress = new Uri(environment.Servers.RabbitManagement.TrimEnd('/') + "/") };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var properties = new Dictionary<string, object> { ["delivery_mode"] = 2 };
        if (contentType is not null)
        {
            properties["content_type"] = contentType;
        }
        if (messageType is not null)
        {
            properties["type"] = messageType;
        }
        if (apiKey is not null)
        {
            properties["headers"] = new Dictionary<string, string> { ["X-Api-Key"] = apiKey };
        }
        using var response = await management.PostAsJsonAsync(
            $"api/exchanges/{Uri.EscapeDataString(environment.Name)}/amq.default/publish",
            new { properties, routing_key = queue, payload = body, payload_encoding = "string" });
        response.EnsureSuccessStatusCode();
        var routed = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("routed").GetBoolean();
        Assert.That(routed, Is.True, $"the poison message was not routed to {queue}");
    }

    public async ValueTask DisposeAsync()
    {
        await Platform.DisposeAsync();
        await Rabbit.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
