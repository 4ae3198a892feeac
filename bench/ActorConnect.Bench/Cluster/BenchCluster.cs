using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorConnect.Bench.Cluster;

/// <summary>
/// Three (or more) distributed workers on loopback, each on a fixed cluster port so a killed node comes back at the
/// same address, with one set of internal topics. Tracks which node is the oldest (Akka's oldest Up member hosts the
/// shard coordinator and the reconciler singletons), as killing it costs more.
/// </summary>
internal sealed class BenchCluster : IDisposable
{
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(120);
    private readonly List<WorkerNode> _nodes = new();
    private readonly List<int> _upOrder = new();

    private BenchCluster(IReadOnlyList<WorkerNode> nodes) => _nodes.AddRange(nodes);

    public IReadOnlyList<WorkerNode> Nodes => _nodes;

    /// <summary>The node that has been Up the longest: it hosts the cluster singletons.</summary>
    public WorkerNode Oldest => _nodes[_upOrder[0]];

    public IEnumerable<WorkerNode> Live => _nodes.Where(n => n.Running);

    public WorkerNode ByWorkerId(string workerId) => _nodes.Single(n => n.WorkerId == workerId);

    /// <summary>
    /// Writes each node's worker.properties into the run directory (no seed list: the workers find each other through
    /// Kafka), starts them all at once, as an orchestrator does, and waits until every node sees all Up.
    /// </summary>
    public static async Task<BenchCluster> StartAsync(ClusterOptions o)
    {
        var rest = Enumerable.Range(0, o.Size).Select(_ => FreePort()).ToList();
        var akka = Enumerable.Range(0, o.Size).Select(_ => FreePort()).ToList();
        var nodes = new List<WorkerNode>();
        for (var i = 0; i < o.Size; i++)
        {
            var props = new Dictionary<string, string>
            {
                ["bootstrap.servers"] = o.Bootstrap,
                ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
                ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
                ["offset.flush.interval.ms"] = o.FlushMs.ToString(),
                ["group.id"] = o.Group,
                ["config.storage.topic"] = o.ConfigTopic,
                ["offset.storage.topic"] = o.OffsetTopic,
                ["status.storage.topic"] = o.StatusTopic,
                ["cluster.hostname"] = "127.0.0.1",
                // A fixed port per node, though discovery needs none, so a round finds the killed node in the survivors' logs.
                ["cluster.port"] = akka[i].ToString(),
                ["listeners"] = $"http://127.0.0.1:{rest[i]}",
                ["plugin.path"] = o.Plugins,
            };
            if (o.Legacy)
            {
                props["api.version.request"] = "false";
                props["broker.version.fallback"] = "0.9.0.1";
            }

            var file = Path.Combine(o.Dir, $"worker-{i}.properties");
            await File.WriteAllLinesAsync(file, props.Select(kv => $"{kv.Key}={kv.Value}"));
            nodes.Add(new WorkerNode(i, o.HostDll, file, o.Hocon, Path.Combine(o.Dir, $"node{i}.log"), rest[i], akka[i]));
        }

        var cluster = new BenchCluster(nodes);
        await cluster.StartAllAsync();
        return cluster;
    }

    /// <summary>Seconds from the start of the processes to each node's first line showing every node Up, per start of the whole cluster.</summary>
    public List<Startup> Startups { get; } = new();

    /// <summary>
    /// Starts every node at the same moment and waits until each has logged all nodes Up (a member still Joining does
    /// not count for the Split Brain Resolver: measure only once all are Up everywhere); records how long that took.
    /// </summary>
    public async Task StartAllAsync()
    {
        var t0 = DateTime.UtcNow;
        _upOrder.Clear();
        foreach (var node in _nodes)
        {
            node.Start();
        }

        var all = $"({_nodes.Count} Up)";
        foreach (var node in _nodes)
        {
            await Until(() => node.Count(all) > 0, JoinTimeout, $"node {node.Index} sees {_nodes.Count} Up", node);
        }

        // The founder is the oldest member; the others joined it in the order they logged themselves Up.
        var founder = _nodes.FirstOrDefault(n => n.Count("Discovery: forming a new cluster") > 0);
        _upOrder.AddRange(_nodes.OrderBy(n => n == founder ? 0 : 1).ThenBy(n => n.FirstAfter(t0, "Cluster member", $":{n.ClusterPort}", "is Up")).Select(n => n.Index));
        var perNode = _nodes.Select(n => (n.FirstAfter(t0, all)!.Value - t0).TotalSeconds).ToList();
        Startups.Add(new Startup(perNode.Max(), perNode, founder?.Index));
    }

    /// <summary>Stops every node gracefully (a whole-cluster stop).</summary>
    public void StopAll()
    {
        foreach (var node in _nodes)
        {
            node.Stop(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>Kills the node hard; it leaves the order of Up members at once (the survivors remove it later).</summary>
    public DateTime KillHard(WorkerNode node)
    {
        _upOrder.Remove(node.Index);
        return node.KillHard();
    }

    /// <summary>Starts a killed node again and waits until every node, itself included, has seen it Up with all members Up.</summary>
    public async Task RestartAsync(WorkerNode node)
    {
        var others = Live.ToDictionary(n => n, n => n.Count(" Up)"));
        node.Start();
        _upOrder.Add(node.Index);
        var all = $"({_nodes.Count} Up)";
        await Until(() => node.Count(all) > 0 && others.All(o => o.Key.Count(" Up)") > o.Value && (o.Key.Last(" Up)")?.Contains(all, StringComparison.Ordinal) ?? false)),
            JoinTimeout, $"node {node.Index} Up on every node", node);
    }

    public void Dispose() => StopAll();

    private static async Task Until(Func<bool> condition, TimeSpan timeout, string what, WorkerNode node)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (!node.Running)
            {
                throw new InvalidOperationException($"node {node.Index} exited while waiting for: {what} (see its log)");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One start of the whole cluster: seconds until the last node saw every node Up, each node's, and the node that formed the cluster.</summary>
internal sealed record Startup(double Seconds, IReadOnlyList<double> PerNode, int? Founder);

/// <summary>What the cluster commands are given (see Program's usage).</summary>
internal sealed record ClusterOptions(
    string Bootstrap, bool Legacy, string HostDll, string Plugins, string Dir, string Group,
    string ConfigTopic, string OffsetTopic, string StatusTopic, string? Hocon, int Size, int FlushMs)
{
    public static ClusterOptions From(IReadOnlyDictionary<string, string> o)
    {
        string Need(string key) => o.TryGetValue(key, out var v) ? v : throw new ArgumentException($"missing {key}");
        var group = Need("--group");
        return new ClusterOptions(
            Need("--bootstrap"), o.ContainsKey("--legacy"), Need("--host-dll"), Need("--plugins"), Need("--dir"), group,
            $"{group}-configs", $"{group}-offsets", $"{group}-status",
            o.GetValueOrDefault("--hocon"), int.Parse(o.GetValueOrDefault("--nodes", "3")), int.Parse(o.GetValueOrDefault("--flush-ms", "1000")));
    }
}
