using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Operations;

/// <summary>
/// <c>/v1/admin/jobs</c>: a bulk replay queued on one ingestion instance runs under a lease in ingestion, its progress is
/// read from any instance, each failed delivery is asked for once, and a job left by a dead instance is finished by
/// another once its lease ran out. Real broker (a tap on <c>ReplayDelivery</c>) and database.
/// </summary>
[TestFixture]
public class OperationJobSpecs
{
    private const string ReplayExchange = "LeadPlatform.Contracts:ReplayDelivery";
    private const string ReplayTap = "test-tap-replay-delivery";
    private IngestionHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("opjobs", instances: 2,
            settings: new Dictionary<string, string?> { ["Operations:JobPoll"] = "00:00:00.200" });
        await _host.Tap.BindAsync(ReplayExchange, ReplayTap);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _host.DisposeAsync();

    [Test]
    public async Task A_bulk_replay_job_runs_in_ingestion_and_every_instance_sees_its_progress_to_done()
    {
        const int failed = 250; // three batches of at most 100
        var integration = $"jobs-{Guid.NewGuid():N}"[..20];
        await SeedFailedAsync(integration, failed);

        using var started = await AdminAsync(_host.Instances[0], HttpMethod.Post, "v1/admin/jobs/replay", new { integration });
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var job = await Eventually.UntilAsync(() => JobAsync(_host.Instances[0], id), j => j.GetProperty("state").GetString() == "done",
            TimeSpan.FromSeconds(60), "the replay job to be done");
        Assert.That(job.GetProperty("kind").GetString(), Is.EqualTo("replay"));
        Assert.That(job.GetProperty("total").GetInt32(), Is.EqualTo(failed));
        Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(failed));
        Assert.That(job.GetProperty("steps").EnumerateArray().Select(s => s.GetString()),
            Is.EqualTo(new[] { "Batch 1: 100 replayed", "Batch 2: 100 replayed", "Batch 3: 50 replayed" }));
        Assert.That(job.GetProperty("result").GetString(), Is.EqualTo($"Replay of {failed} failed deliveries scheduled."));
        Assert.That(job.GetProperty("requestedBy").GetString(), Is.Not.Empty, "the key's name");

        var seenBySecond = await JobAsync(_host.Instances[1], id);
        Assert.That(seenBySecond.GetProperty("state").GetString(), Is.EqualTo("done"), "the other instance reads the same job");
        Assert.That(seenBySecond.GetProperty("done").GetInt32(), Is.EqualTo(failed));
        using var recent = await AdminAsync(_host.Instances[1], HttpMethod.Get, "v1/admin/jobs?limit=10");
        var ids = (await recent.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(j => j.GetProperty("id").GetGuid());
        Assert.That(ids, Does.Contain(id));

        await AssertAskedOnceEachAsync(integration, failed);
    }

    [Test]
    public async Task A_job_whose_instance_died_is_finished_by_another_once_its_lease_ran_out_and_a_live_lease_is_left_alone()
    {
        const int failed = 30;
        var orphaned = $"dead-{Guid.NewGuid():N}"[..20];
        var leased = $"live-{Guid.NewGuid():N}"[..20];
        await SeedFailedAsync(orphaned, failed);
        await SeedFailedAsync(leased, 5);
        var orphan = await InsertRunningJobAsync(orphaned, "instance-that-died", leaseUntil: "now() - interval '1 second'");
        var live = await InsertRunningJobAsync(leased, "instance-that-lives", leaseUntil: "now() + interval '1 hour'");

        var job = await Eventually.UntilAsync(() => JobAsync(_host.Ingestion, orphan), j => j.GetProperty("state").GetString() == "done",
            TimeSpan.FromSeconds(60), "the orphaned job to be finished");
        Assert.That(job.GetProperty("done").GetInt32(), Is.EqualTo(failed));
        await AssertAskedOnceEachAsync(orphaned, failed);

        var untouched = await JobAsync(_host.Ingestion, live);
        Assert.That(untouched.GetProperty("state").GetString(), Is.EqualTo("running"), "its owner's lease still holds");
        Assert.That(untouched.GetProperty("done").GetInt32(), Is.Zero);
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<string>("select lease_owner from ingestion.operation_job where id = @live", new { live }),
            Is.EqualTo("instance-that-lives"));
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from ingestion.lead_delivery where integration_id = @leased and state = 'failed'", new { leased }), Is.EqualTo(5));
    }

    [Test]
    public async Task Bad_input_is_refused_naming_the_field_and_queues_nothing()
    {
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var before = await connection.ExecuteScalarAsync<int>("select count(*)::int from ingestion.operation_job");

        using var badTime = await AdminAsync(_host.Ingestion, HttpMethod.Post, "v1/admin/jobs/replay", new { since = "yesterday" });
        using var badQueue = await AdminAsync(_host.Ingestion, HttpMethod.Post, "v1/admin/jobs/drain", new { queue = "leads" });
        using var badLimit = await AdminAsync(_host.Ingestion, HttpMethod.Get, "v1/admin/jobs?limit=0");

        Assert.That(badTime.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badTime.Content.ReadAsStringAsync(), Does.Contain("since"));
        Assert.That(badQueue.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(badQueue.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await badQueue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("queue", out _), Is.True);
        Assert.That(badLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        // A value the framework cannot bind at all is a problem naming the parameter too, not a bare 400.
        using var notANumber = await AdminAsync(_host.Ingestion, HttpMethod.Get, "v1/admin/jobs?limit=ten");
        Assert.That(notANumber.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(notANumber.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var limitErrors = (await notANumber.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("limit");
        Assert.That(limitErrors[0].GetString(), Is.EqualTo("must be a whole number"));
        Assert.That(await connection.ExecuteScalarAsync<int>("select count(*)::int from ingestion.operation_job"), Is.EqualTo(before));
    }

    private async Task AssertAskedOnceEachAsync(string integration, int expected)
    {
        var asked = new List<(Guid, string)>();
        await Eventually.UntilAsync(async () =>
        {
            asked.AddRange((await _host.Tap.TakeAsync(ReplayTap))
                .Select(d => (d.Message.GetProperty("leadId").GetGuid(), d.Message.GetProperty("integrationId").GetString()!)));
            return asked.Count(a => a.Item2 == integration) >= expected;
        }, TimeSpan.FromSeconds(20), $"{expected} ReplayDelivery messages for {integration}");
        await Task.Delay(500);
        asked.AddRange((await _host.Tap.TakeAsync(ReplayTap))
            .Select(d => (d.Message.GetProperty("leadId").GetGuid(), d.Message.GetProperty("integrationId").GetString()!)));
        var mine = asked.Where(a => a.Item2 == integration).ToList();
        Assert.That(mine, Has.Count.EqualTo(expected), "each failed delivery asked for once");
        Assert.That(mine.Distinct().Count(), Is.EqualTo(expected));
        // Other tests' messages taken here are not lost to them: each test asserts on its own integration only.
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from ingestion.lead_delivery where integration_id = @integration and state = 'replaying'", new { integration }),
            Is.EqualTo(expected));
    }

    private async Task SeedFailedAsync(string integration, int count)
    {
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            with leads as (
                insert into ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, body_hash)
                select gen_random_uuid(), 'jobs', @integration || '-' || n, 'acme-senior', 'sales-opt-in', '{}', 'x'
                  from generate_series(1, @count) n
                returning id)
            insert into ingestion.lead_delivery (lead_id, integration_id, crm, state, attempts, last_error, failed_at, updated_at)
            select id, @integration, 'enquire', 'failed', 3, 'HTTP 503', now() - interval '1 minute', now() - interval '1 minute' from leads
            """, new { integration, count });
    }

    private async Task<Guid> InsertRunningJobAsync(string integration, string owner, string leaseUntil)
    {
        var id = Guid.NewGuid();
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            insert into ingestion.operation_job (id, kind, params, requested_by, state, started_at, lease_owner, lease_until)
            values (@id, 'replay', jsonb_build_object('integration', @integration, 'before', now()), 'ops', 'running', now(), @owner, {leaseUntil})
            """, new { id, integration, owner });
        return id;
    }

    private static async Task<JsonElement> JobAsync(InProcessService instance, Guid id)
    {
        using var response = await AdminAsync(instance, HttpMethod.Get, $"v1/admin/jobs/{id}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> AdminAsync(InProcessService instance, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Admin-Key", IngestionHost.AdminKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await instance.Client.SendAsync(request);
    }
}
