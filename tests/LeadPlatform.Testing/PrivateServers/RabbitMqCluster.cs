using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.Testing;

/// <summary>
/// A private RabbitMQ cluster on this machine: <c>count</c> nodes (<see cref="RabbitNode"/>) sharing one Erlang
/// cookie, with <c>cluster_partition_handling = pause_minority</c> when there are several, the second and later nodes joined to the first
/// with <c>rabbitmqctl join_cluster</c>. Every node it started is killed and its directory removed on dispose, also
/// when starting failed half-way.
/// </summary>
public sealed class RabbitMqCluster : IAsyncDisposable
{
    private readonly string _home;

    public IReadOnlyList<RabbitNode> Nodes { get; }

    private RabbitMqCluster(string home, IReadOnlyList<RabbitNode> nodes)
    {
        _home = home;
        Nodes = nodes;
    }

    public static async Task<RabbitMqCluster> StartAsync(int count = 3, string extraConfig = "")
    {
        var home = Path.Combine(Path.GetTempPath(), "lp-rmqc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        var cookie = Path.Combine(home, ".erlang.cookie");
        await File.WriteAllTextAsync(cookie, Guid.NewGuid().ToString("N"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead); // Erlang refuses a cookie others may read
        }
        var nodes = new List<RabbitNode>();
        for (var i = 0; i < count; i++)
        {
            nodes.Add(await RabbitNode.CreateAsync(home, ((char)('a' + i)).ToString(), $"""
                {(count > 1 ? "cluster_partition_handling = pause_minority" : "")}
                {extraConfig}
                """));
        }
        var cluster = new RabbitMqCluster(home, nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
            foreach (var node in nodes.Skip(1))
            {
                await node.CtlAsync("stop_app");
                await node.CtlAsync("join_cluster", nodes[0].NodeName);
                await node.CtlAsync("start_app");
                await node.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Every node, as <c>ConnectionStrings:RabbitMq</c> takes a cluster: amqp://guest:guest@h:p,h:p,h:p/vhost.</summary>
    public string ConnectionString(string vhost) =>
        $"amqp://guest:guest@{string.Join(',', Nodes.Select(n => "127.0.0.1:" + n.AmqpPort.ToString(CultureInfo.InvariantCulture)))}/{Uri.EscapeDataString(vhost)}";

    public RabbitNode Node(string nodeName) => Nodes.Single(n => n.NodeName == nodeName);

    /// <summary>A queue's quorum members and leader, as a running node's management API reports them.</summary>
    public async Task<QuorumQueue> QueueAsync(string vhost, string queue)
    {
        foreach (var node in Nodes.Where(n => n.IsRunning))
        {
            using var client = node.ManagementClient();
            try
            {
                var info = await client.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(queue)}");
                return new QuorumQueue(
                    info.GetProperty("type").GetString() ?? "",
                    info.TryGetProperty("leader", out var leader) ? leader.GetString() ?? "" : "",
                    info.TryGetProperty("members", out var members) ? members.EnumerateArray().Select(m => m.GetString() ?? "").ToList() : []);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // That node is down or paused: ask the next.
            }
        }
        Assert.Fail($"no node of the cluster answered for queue {queue}");
        return null!;
    }

    public sealed record QuorumQueue(string Type, string Leader, IReadOnlyList<string> Members);

    /// <summary>
    /// Cuts <paramref name="node"/> off from the other nodes for <paramref name="duration"/> at the Erlang
    /// distribution layer: the node's own cookie is changed (so the others' reconnection handshakes are refused),
    /// its links to them are dropped, and after <paramref name="duration"/> a timer on the node puts the cookie back.
    /// The node sees a minority and pauses (pause_minority), the two others keep the majority. Done this way because
    /// this machine has no iptables or nft to drop the distribution port's packets (see docs/scale-out.md).
    /// </summary>
    public Task PartitionAsync(RabbitNode node, TimeSpan duration) => node.CtlAsync("eval", $$"""
        Cookie = erlang:get_cookie(),
        spawn(fun() ->
            erlang:set_cookie(node(), lp_partitioned),
            [erlang:disconnect_node(N) || N <- nodes()],
            timer:sleep({{(int)duration.TotalMilliseconds}}),
            erlang:set_cookie(node(), Cookie)
        end),
        ok.
        """);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        PrivateProcesses.DeleteDirectory(_home);
    }
}
