using System.Net;
using LeadPlatform.EndToEndTests.Faults;
using LeadPlatform.Testing;

namespace LeadPlatform.ClusterTests;

/// <summary>
/// The platform on a private three-node RabbitMQ cluster (<see cref="RabbitMqCluster"/>, pause_minority) with two
/// instances of ingestion, the Enquire connector and disposition, every one given all three nodes. Nodes are killed
/// and cut off mid-stream. Pass: the connector queue is a quorum queue on all three nodes, its leader moves, and
/// every lead answered 202 is in the CRM exactly once (<see cref="FaultRig.AssertNothingLostOrDuplicatedAsync"/>).
/// </summary>
[TestFixture, Category("Cluster"), NonParallelizable]
public class RabbitMqClusterSpecs
{
    private const string ConnectorQueue = "connector-enquire";
    private RabbitMqCluster _cluster = null!;
    private FaultRig _rig = null!;

    private string VirtualHost => _rig.Environment.Name;

    [OneTimeSetUp]
    public async Task Start()
    {
        TestServers.RequireReachable();
        _cluster = await RabbitMqCluster.StartAsync(3);
        var first = _cluster.Nodes[0];
        _rig = await FaultRig.StartAsync("cluster",
            new ServerEndpoints(TestServers.PostgresAdmin, "127.0.0.1", first.AmqpPort, first.ManagementUrl),
            environment => new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = _cluster.ConnectionString(environment.Name) });
        // A second instance of every service, competing on the same queues and the same database.
        await _rig.Platform.StartAsync("ingestion-2", "services/Ingestion", "LeadPlatform.Ingestion", _rig.Connections);
        await _rig.Platform.StartAsync("connector-enquire-2", "services/Connectors/Enquire", "LeadPlatform.Connectors.Enquire", _rig.Connections);
        await _rig.Platform.StartAsync("disposition-2", "services/Disposition", "LeadPlatform.Disposition", _rig.Connections);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [SetUp]
    public async Task EveryNodeServing()
    {
        foreach (var node in _cluster.Nodes)
        {
            await node.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        }
        await _rig.BeginTestAsync();
    }

    [Test]
    public async Task Connector_queue_is_a_quorum_queue_on_all_three_nodes()
    {
        var queue = await _cluster.QueueAsync(VirtualHost, ConnectorQueue);
        Assert.That(queue.Type, Is.EqualTo("quorum"));
        Assert.That(queue.Members, Is.EquivalentTo(_cluster.Nodes.Select(n => n.NodeName)));
    }

    [Test]
    public async Task Leader_of_the_connector_queue_killed_then_a_second_node_killed_and_both_restarted()
    {
        var submissions = await _rig.StreamAsync("cluster-kill", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var leader = _cluster.Node((await _cluster.QueueAsync(VirtualHost, ConnectorQueue)).Leader);
            await leader.KillAsync();
            var next = await Eventually.UntilAsync(() => _cluster.QueueAsync(VirtualHost, ConnectorQueue),
                q => q.Leader.Length > 0 && q.Leader != leader.NodeName, TimeSpan.FromSeconds(60), "a new leader of the connector queue");
            await TestContext.Progress.WriteLineAsync($"killed {leader.NodeName}; leader now {next.Leader}");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await leader.StartAsync();
            // Then the node that took over, once the first is back (two down at once would leave no majority).
            var second = _cluster.Node(next.Leader);
            await second.KillAsync();
            await TestContext.Progress.WriteLineAsync($"killed {second.NodeName}");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await second.StartAsync();
        }, perSecond: 10, seconds: 15);
        // Intake commits to PostgreSQL only (the outbox): brokers going away must not refuse leads.
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await _rig.AssertNothingLostOrDuplicatedAsync("cluster-kill", submissions, within: TimeSpan.FromSeconds(150));
    }

    [Test]
    public async Task Leader_of_the_connector_queue_cut_off_from_the_two_others_pauses_and_rejoins()
    {
        RabbitNode? cut = null;
        var submissions = await _rig.StreamAsync("cluster-partition", async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            cut = _cluster.Node((await _cluster.QueueAsync(VirtualHost, ConnectorQueue)).Leader);
            await _cluster.PartitionAsync(cut, TimeSpan.FromSeconds(15));
            // pause_minority: alone, the node stops serving; the two others elect a new leader.
            await Eventually.UntilAsync(async () => !await cut.ServingAsync(), TimeSpan.FromSeconds(30), $"{cut.NodeName} to pause");
            var next = await Eventually.UntilAsync(() => _cluster.QueueAsync(VirtualHost, ConnectorQueue),
                q => q.Leader.Length > 0 && q.Leader != cut.NodeName, TimeSpan.FromSeconds(60), "a new leader on the majority side");
            await TestContext.Progress.WriteLineAsync($"cut off {cut.NodeName}; leader now {next.Leader}");
        }, perSecond: 10, seconds: 15);
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await cut!.WaitUntilServingAsync(TimeSpan.FromSeconds(120));
        await _rig.AssertNothingLostOrDuplicatedAsync("cluster-partition", submissions, within: TimeSpan.FromSeconds(150));
    }
}
