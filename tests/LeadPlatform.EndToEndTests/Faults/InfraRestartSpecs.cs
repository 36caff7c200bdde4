using System.Net;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// The real servers going down, not a proxy cut: the platform runs on a RabbitMQ node and a PostgreSQL cluster of
/// this fixture's own (a one-node <see cref="RabbitMqCluster"/>, <see cref="PrivatePostgres"/>; the shared servers others use
/// are never touched), and a test stops, kills and starts them mid-stream. Pass: as for every fault, plus the
/// services reconnect by themselves and intake answers 503, never a 2xx, while PostgreSQL is down.
/// </summary>
[TestFixture, Category("Faults"), NonParallelizable]
public class InfraRestartSpecs
{
    private PrivateServers<PrivatePostgres> _servers = null!;
    private FaultRig _rig = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _servers = await PrivateServers<PrivatePostgres>.StartAsync(RabbitMqCluster.StartAsync(1), PrivatePostgres.StartAsync());
        _rig = await FaultRig.StartAsync("infra", new ServerEndpoints(
            Postgres.AdminConnectionString, "127.0.0.1", Node.AmqpPort, Node.ManagementUrl));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    private PrivatePostgres Postgres => _servers.Postgres;
    private RabbitNode Node => _servers.Rabbit.Nodes[0];

    [SetUp]
    public Task Begin() => _rig.BeginTestAsync();

    private static Func<Task> After(double seconds, Func<Task> fault) => async () =>
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        await fault();
    };

    [Test]
    public async Task RabbitMq_stopped_and_started_mid_stream()
    {
        var submissions = await _rig.StreamAsync("rabbit-stop", After(2, async () =>
        {
            await Node.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await Node.StartAsync();
        }));
        // Intake commits to PostgreSQL only (the outbox): the broker going away must not refuse leads.
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await _rig.AssertNothingLostOrDuplicatedAsync("rabbit-stop", submissions, within: TimeSpan.FromSeconds(120));
    }

    [Test]
    public async Task RabbitMq_killed_with_SIGKILL_mid_stream_and_started()
    {
        var submissions = await _rig.StreamAsync("rabbit-kill", After(2, async () =>
        {
            await Node.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await Node.StartAsync();
        }));
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await _rig.AssertNothingLostOrDuplicatedAsync("rabbit-kill", submissions, within: TimeSpan.FromSeconds(120));
    }

    [Test]
    public async Task PostgreSQL_stopped_and_started_answers_503_and_never_2xx_without_a_row()
    {
        var downFrom = DateTimeOffset.MaxValue;
        var downTo = DateTimeOffset.MaxValue;
        var submissions = await _rig.StreamAsync("postgres-stop", After(2, async () =>
        {
            await Postgres.Server.StopAsync();
            downFrom = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(4));
            downTo = DateTimeOffset.UtcNow;
            await Postgres.Server.StartAsync();
        }), seconds: 12);
        Assert.That(submissions.Select(s => s.Status).Distinct(),
            Is.SubsetOf(new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }), "answers other than 202 and 503");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.ServiceUnavailable && s.At >= downFrom && s.At <= downTo),
            Is.True, "no 503 while PostgreSQL was down");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.Accepted && s.At > downTo.AddSeconds(2)),
            Is.True, "intake did not recover after PostgreSQL came back");
        await _rig.AssertNothingLostOrDuplicatedAsync("postgres-stop", submissions);
    }

    [Test]
    public async Task PostgreSQL_killed_with_SIGKILL_mid_stream_and_started_keeps_every_acknowledged_lead()
    {
        // A crash, not a shutdown: a 202 is sent only after the commit is flushed, so crash recovery must bring back
        // every lead that got one.
        var submissions = await _rig.StreamAsync("postgres-kill", After(2, async () =>
        {
            await Postgres.Server.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await Postgres.Server.StartAsync();
        }), seconds: 12);
        Assert.That(submissions.Select(s => s.Status).Distinct(),
            Is.SubsetOf(new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }), "answers other than 202 and 503");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.ServiceUnavailable), Is.True, "no 503 while PostgreSQL was down");
        Assert.That(Postgres.Server.RecoveredFromCrash(), Is.True, "PostgreSQL did not replay its WAL on start: the kill was not a crash");
        await _rig.AssertNothingLostOrDuplicatedAsync("postgres-kill", submissions);
    }
}
