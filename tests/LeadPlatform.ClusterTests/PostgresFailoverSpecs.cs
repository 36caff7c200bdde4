using System.Net;
using LeadPlatform.EndToEndTests.Faults;
using LeadPlatform.Testing;

namespace LeadPlatform.ClusterTests;

/// <summary>
/// The platform on a private PostgreSQL primary with a synchronous standby (<see cref="PostgresPair"/>), every service
/// given both hosts with <c>Target Session Attributes=primary</c>. The primary is killed with SIGKILL mid-stream and
/// the standby promoted. Pass: every lead answered 202 is a row on the new primary and in the CRM exactly once; intake
/// answers only 202 or 503 (never a 500, never a 2xx for a lead it could not keep), 503 during the switch, 202 after.
/// </summary>
[TestFixture, Category("Cluster"), NonParallelizable]
public class PostgresFailoverSpecs
{
    private PostgresPair _pair = null!;
    private FaultRig _rig = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        TestServers.RequireReachable();
        _pair = await PostgresPair.StartAsync();
        _rig = await FaultRig.StartAsync("pgfailover",
            new ServerEndpoints(_pair.AdminConnectionString, TestServers.RabbitHost, TestServers.RabbitPort, TestServers.RabbitManagement));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Test]
    public async Task Primary_killed_and_standby_promoted_keeps_every_acknowledged_lead()
    {
        var killedAt = DateTimeOffset.MaxValue;
        var promotedAt = DateTimeOffset.MaxValue;
        var submissions = await _rig.StreamAsync("pg-failover", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            killedAt = DateTimeOffset.UtcNow; // before the kill: answers to requests it breaks come back while it runs
            await _pair.KillPrimaryAsync();
            // What an operator or Patroni does: notice, then promote.
            await Task.Delay(TimeSpan.FromSeconds(3));
            await _pair.PromoteStandbyAsync();
            promotedAt = DateTimeOffset.UtcNow;
        }, perSecond: 10, seconds: 20);
        Assert.That(submissions.Select(s => s.Status).Distinct(),
            Is.SubsetOf(new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }), "answers other than 202 and 503");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.ServiceUnavailable && s.At >= killedAt), Is.True,
            "no 503 while there was no primary");
        Assert.That(submissions.Where(s => s.Status == HttpStatusCode.ServiceUnavailable).All(s => s.At >= killedAt && s.At <= promotedAt.AddSeconds(20)),
            Is.True, "a 503 outside the switch");
        Assert.That(submissions.Any(s => s.Status == HttpStatusCode.Accepted && s.At > promotedAt.AddSeconds(3)), Is.True,
            "intake did not carry on on the promoted standby");
        await _rig.AssertNothingLostOrDuplicatedAsync("pg-failover", submissions, within: TimeSpan.FromSeconds(120));
    }
}
