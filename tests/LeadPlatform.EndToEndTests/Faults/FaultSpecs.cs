using System.Net;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// A steady stream of leads through ingestion, the Enquire connector and the sandbox, with one fault injected
/// mid-stream per test. Pass: every 202 is stored and lands in the CRM exactly once, no lead is in the CRM twice,
/// queues drain (only expected poison stays), and services recover by themselves.
/// </summary>
[TestFixture, Category("Faults"), NonParallelizable]
public class FaultSpecs
{
    private FaultRig _rig = null!;

    [OneTimeSetUp]
    public async Task Start() => _rig = await FaultRig.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _rig.DisposeAsync();

    [SetUp]
    public Task Begin() => _rig.BeginTestAsync();

    [TearDown]
    public async Task Heal()
    {
        _rig.Rabbit.Restore();
        _rig.Postgres.Restore();
        await _rig.Sandbox.ClearFaultsAsync();
    }

    private static Func<Task> After(double seconds, Func<Task> fault) => async () =>
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        await fault();
    };

    [Test]
    public async Task Ingestion_killed_with_SIGKILL_mid_stream_and_restarted()
    {
        var submissions = await _rig.StreamAsync("kill-ingestion", After(3, () => _rig.Ingestion.RestartAsync()));
        await _rig.AssertNothingLostOrDuplicatedAsync("kill-ingestion", submissions);
    }

    [Test]
    public async Task Connector_killed_with_SIGKILL_in_the_middle_of_CRM_calls_and_restarted()
    {
        // Slow CRM calls (under the 2 s request timeout) so the kill lands while calls are open.
        await _rig.Sandbox.FaultAsync(new { crm = "enquire", mode = "slow", delayMs = 800, forSeconds = 30 });
        var submissions = await _rig.StreamAsync("kill-connector", After(3, () => _rig.Connector.RestartAsync()));
        await _rig.Sandbox.ClearFaultsAsync();
        await _rig.AssertNothingLostOrDuplicatedAsync("kill-connector", submissions);
    }

    [Test]
    public async Task Disposition_killed_with_SIGKILL_while_the_CRM_pushes_dispositions_and_restarted()
    {
        var crm = new CrmDispositionPusher(_rig, "kill-disposition");
        crm.Start();
        var submissions = await _rig.StreamAsync("kill-disposition", After(4, () => _rig.Disposition.RestartAsync()));
        await _rig.AssertNothingLostOrDuplicatedAsync("kill-disposition", submissions);
        await crm.CompleteAsync();
        await TestContext.Progress.WriteLineAsync(
            $"[kill-disposition] {crm.Events.Count} disposition events pushed; {crm.FailedAttempts} pushes got no 2xx ({crm.Unanswered} no answer at all) and were re-sent");
        Assert.That(crm.Unanswered, Is.GreaterThan(0), "no push went unanswered: the kill did not land while the CRM pushed");
        await crm.AssertAppliedExactlyOnceAsync(submissions);
        await _rig.AssertQueuesDrainedAsync(new Dictionary<string, int>());
    }

    [Test]
    public async Task Relay_killed_with_SIGKILL_while_holding_committed_unpublished_rows_and_restarted()
    {
        // With the broker cut, intake still commits leads and their outbox rows but the relay cannot publish them.
        // Killing ingestion (the relay runs in it) then loses whatever the relay held in memory; the restarted
        // relay's poll must publish every committed row, and each lead must still reach the CRM once.
        long unpublishedAtKill = 0;
        var submissions = await _rig.StreamAsync("kill-relay", After(2, async () =>
        {
            _rig.Rabbit.Cut();
            await Task.Delay(TimeSpan.FromSeconds(3));
            unpublishedAtKill = await _rig.UnpublishedOutboxRowsAsync();
            _rig.Ingestion.Kill();
            _rig.Rabbit.Restore();
            await _rig.Ingestion.StartAsync();
        }));
        await TestContext.Progress.WriteLineAsync($"[kill-relay] {unpublishedAtKill} committed outbox rows unpublished when the relay was killed");
        Assert.That(unpublishedAtKill, Is.GreaterThan(0), "the relay held no unpublished rows when it was killed");
        await _rig.AssertNothingLostOrDuplicatedAsync("kill-relay", submissions, within: TimeSpan.FromSeconds(120));
        await Eventually.UntilAsync(_rig.UnpublishedOutboxRowsAsync, n => n == 0, TimeSpan.FromSeconds(15), "every outbox row marked published");
    }

    [Test]
    public async Task Broker_unreachable_for_five_seconds()
    {
        var submissions = await _rig.StreamAsync("broker-cut", After(2, async () =>
        {
            _rig.Rabbit.Cut();
            await Task.Delay(TimeSpan.FromSeconds(5));
            _rig.Rabbit.Restore();
        }));
        // Intake commits to PostgreSQL only; the broker going away must not refuse leads.
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await _rig.AssertNothingLostOrDuplicatedAsync("broker-cut", submissions);
    }

    [Test]
    public async Task Database_unreachable_for_five_seconds_answers_503_and_never_2xx_without_a_row()
    {
        var cutFrom = DateTimeOffset.MaxValue;
        var cutTo = DateTimeOffset.MaxValue;
        var submissions = await _rig.StreamAsync("db-cut", After(2, async () =>
        {
            cutFrom = DateTimeOffset.UtcNow;
            _rig.Postgres.Cut();
            await Task.Delay(TimeSpan.FromSeconds(5));
            _rig.Postgres.Restore();
            cutTo = DateTimeOffset.UtcNow;
        }), seconds: 12);
        Assert.That(submissions.Select(s => s.Status).Distinct(),
            Is.SubsetOf(new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }), "answers other than 202 and 503");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.ServiceUnavailable && s.At >= cutFrom && s.At <= cutTo.AddSeconds(2)),
            Is.True, "no 503 while PostgreSQL was unreachable");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.Accepted && s.At > cutTo.AddSeconds(1)),
            Is.True, "intake did not recover after PostgreSQL came back");
        await _rig.AssertNothingLostOrDuplicatedAsync("db-cut", submissions);
    }

    [Test]
    public async Task Crm_answering_429_with_Retry_After()
    {
        await _rig.Sandbox.FaultAsync(new { crm = "enquire", mode = "429", retryAfterSeconds = 1, probability = 0.5, forSeconds = 6 });
        var submissions = await _rig.StreamAsync("crm-429", () => Task.CompletedTask);
        await _rig.AssertNothingLostOrDuplicatedAsync("crm-429", submissions);
        Assert.That(await _rig.MaxAttemptsAsync(submissions), Is.GreaterThan(1), "the CRM fault was never played");
    }

    [Test]
    public async Task Crm_failing_with_500_half_the_time()
    {
        await _rig.Sandbox.FaultAsync(new { crm = "enquire", mode = "500", probability = 0.5, forSeconds = 6 });
        var submissions = await _rig.StreamAsync("crm-500", () => Task.CompletedTask);
        await _rig.AssertNothingLostOrDuplicatedAsync("crm-500", submissions);
        Assert.That(await _rig.MaxAttemptsAsync(submissions), Is.GreaterThan(1), "the CRM fault was never played");
    }

    [Test]
    public async Task Crm_down_for_a_minute()
    {
        await _rig.Sandbox.FaultAsync(new { crm = "enquire", mode = "down", forSeconds = 60 });
        var submissions = await _rig.StreamAsync("crm-down", () => Task.CompletedTask);
        await _rig.AssertNothingLostOrDuplicatedAsync("crm-down", submissions, within: TimeSpan.FromSeconds(180));
        Assert.That(await _rig.MaxAttemptsAsync(submissions), Is.GreaterThan(1), "the CRM fault was never played");
    }

    [Test]
    public async Task Crm_timing_out_after_creating_the_record()
    {
        // Creates, then answers after 3 s: past the connector's 2 s timeout, so it must look before creating again.
        await _rig.Sandbox.FaultAsync(new { crm = "enquire", mode = "timeout-after-create", delayMs = 3000, probability = 0.3, forSeconds = 6 });
        var submissions = await _rig.StreamAsync("crm-timeout", () => Task.CompletedTask);
        await _rig.AssertNothingLostOrDuplicatedAsync("crm-timeout", submissions);
        Assert.That(await _rig.MaxAttemptsAsync(submissions), Is.GreaterThan(1), "the CRM fault was never played");
    }

    [Test]
    public async Task Poison_messages_land_in_the_error_queue_within_bounded_attempts_while_leads_flow()
    {
        const string queue = "ingestion-submit-lead";
        var submissions = await _rig.StreamAsync("poison", After(2, async () =>
        {
            await FaultRig.PublishRawAsync(_rig.Environment, queue, "{ this is not json", "application/json");
            await FaultRig.PublishRawAsync(_rig.Environment, queue,
                """{"messageType":["urn:message:Nowhere:NoSuchMessage"],"message":{"x":1}}""", "application/vnd.masstransit+json");
            await FaultRig.PublishRawAsync(_rig.Environment, queue,
                """{"lead":{"source":"roobrik","accountId":"faults-account","conversion":"sales-opt-in","prospect":{"lastName":"Suite","email":"not-an-email"}}}""",
                "application/json", apiKey: FaultRig.ApiKey);
        }));
        await _rig.AssertNothingLostOrDuplicatedAsync("poison", submissions,
            // Bad JSON and the invalid lead go to _error; a type nobody consumes is MassTransit's _skipped dead letter.
            // (ThrowOnSkippedMessages would not dead-letter it: MassTransit requeues it forever.)
            new Dictionary<string, int> { [queue + "_error"] = 2, [queue + "_skipped"] = 1 });
    }

    [Test]
    public async Task Poison_replayed_after_the_fix_through_the_admin_API_is_delivered_exactly_once_while_leads_flow()
    {
        // Broker leads for an account nobody has configured yet: refused at once into the error queue. The fix is
        // the onboarding step that was missing (the account's integration); then ops drain the error queue back.
        const string queue = "ingestion-submit-lead";
        const string lateAccount = FaultRig.LateAccountId;
        var late = Enumerable.Range(0, 5).Select(n => $"replay-late-{n}").ToList();
        var errorsBefore = await _rig.Environment.QueueDepthAsync(queue + "_error") ?? 0;
        var moved = 0;
        var submissions = await _rig.StreamAsync("replay", After(1, async () =>
        {
            foreach (var id in late)
            {
                var lead = new
                {
                    source = "roobrik", sourceLeadId = id, accountId = lateAccount, conversion = "sales-opt-in",
                    prospect = new { firstName = "Late", lastName = "Suite", email = $"{id}@example.com" },
                };
                await FaultRig.PublishRawAsync(_rig.Environment, queue, System.Text.Json.JsonSerializer.Serialize(new { lead }), "application/json",
                    apiKey: FaultRig.ApiKey);
            }
            await Eventually.UntilAsync(async () => await _rig.Environment.QueueDepthAsync(queue + "_error") >= errorsBefore + late.Count,
                TimeSpan.FromSeconds(20), "the leads of the unknown account in the error queue");
            await _rig.Platform.PutIntegrationAsync("faults-late-enquire", new
            {
                accountId = lateAccount,
                crm = "enquire",
                endpoint = new Uri(_rig.Platform.Sandbox.BaseAddress, "enquire/v1").ToString(),
                credentials = new { subscriptionKey = "sandbox-enquire-key" },
            });
            moved = await _rig.DrainErrorQueueAsync(queue + "_error");
        }));
        await TestContext.Progress.WriteLineAsync($"[replay] {late.Count} leads of an unconfigured account dead-lettered; the drain moved {moved} message(s) back");
        Assert.That(moved, Is.InRange(late.Count, late.Count + errorsBefore),
            "the drain moves what waited in the error queue (the dead-lettered leads and older poison), each once");
        await _rig.AssertNothingLostOrDuplicatedAsync("replay", submissions);

        var records = await Eventually.UntilAsync(() => _rig.Sandbox.RecordsAsync("enquire", "individual"),
            all => late.All(id => all.Any(r => SandboxClient.Text(r, "email") == $"{id}@example.com")),
            TimeSpan.FromSeconds(60), "the replayed leads in Enquire");
        await Task.Delay(TimeSpan.FromSeconds(2));
        records = await _rig.Sandbox.RecordsAsync("enquire", "individual");
        var copies = late.Select(id => records.Count(r => SandboxClient.Text(r, "email") == $"{id}@example.com")).ToList();
        Assert.That(copies, Is.All.EqualTo(1), "each replayed lead in Enquire exactly once");
        // Whatever else was in the error queue (the poison of another test) was replayed too and failed again.
        await _rig.AssertQueuesDrainedAsync(new Dictionary<string, int>());
    }
}
