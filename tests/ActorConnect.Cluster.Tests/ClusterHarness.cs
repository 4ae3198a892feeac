using ActorConnect.Cluster.Config;
using ActorConnect.Cluster.Tests.TestConnectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Cluster;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Distributed workers in this test process, each in its own ActorSystem on a loopback port, all on one test's own
/// group and internal topics: a small cluster to create connectors in, bounce and restart.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private readonly KafkaFixture kafka;
    private readonly List<DistributedWorker> _nodes = new();
    private readonly string _group;
    private readonly bool _seeds;

    /// <summary>A new cluster; with <paramref name="restartOf"/>, a cluster on the same group and topics (a whole-cluster restart).</summary>
    /// <param name="kafka">The broker.</param>
    /// <param name="restartOf">The cluster whose group and topics this one takes over.</param>
    /// <param name="seeds">Each node joins the running ones through <c>cluster.seed.nodes</c>; false: through Kafka (discovery).</param>
    public ClusterHarness(KafkaFixture kafka, ClusterHarness? restartOf = null, bool seeds = true)
    {
        this.kafka = kafka;
        _seeds = seeds;
        _group = restartOf?._group ?? KafkaFixture.UniqueName("connect-cluster");
        ConfigTopic = restartOf?.ConfigTopic ?? KafkaFixture.UniqueName("connect-configs");
        OffsetTopic = restartOf?.OffsetTopic ?? KafkaFixture.UniqueName("connect-offsets");
        StatusTopic = restartOf?.StatusTopic ?? KafkaFixture.UniqueName("connect-status");
    }

    public string ConfigTopic { get; }

    public string OffsetTopic { get; }

    public string StatusTopic { get; }

    public IReadOnlyList<DistributedWorker> Running => _nodes.Where(n => !n.System.WhenTerminated.IsCompleted).ToList();

    /// <summary>A new cluster's harness with its internal topics created; no node runs yet.</summary>
    public static async Task<ClusterHarness> CreateAsync(KafkaFixture kafka, bool seeds = true)
    {
        var harness = new ClusterHarness(kafka, seeds: seeds);
        await harness.CreateTopicsAsync();
        return harness;
    }

    /// <summary>A new topic (one partition unless told) for a verifiable source to write to.</summary>
    public async Task<string> SourceTopicAsync(string suffix = "", int partitions = 1)
    {
        var topic = KafkaFixture.UniqueName("verifiable") + suffix;
        await kafka.CreateTopicAsync(topic, partitions);
        return topic;
    }

    /// <summary>A 0.9 broker cannot create topics through the admin API: the test creates them, as an operator would.</summary>
    public async Task CreateTopicsAsync()
    {
        await kafka.CreateTopicAsync(ConfigTopic, 1);
        await kafka.CreateTopicAsync(OffsetTopic, 3);
        await kafka.CreateTopicAsync(StatusTopic, 2);
    }

    /// <summary>A worker's properties on this cluster's group and topics, with <paramref name="seeds"/> (none: discovery through Kafka).</summary>
    public Dictionary<string, string> Properties(IEnumerable<string> seeds)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers,
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.flush.interval.ms"] = "500",
            // A clean stop promises no duplicate (as Kafka Connect's does) only when its last flush sees every record in
            // flight acknowledged within this; past it they keep their offsets unstored and are sent again on resume.
            // The default 5 s is what a starved test machine can stall for as a node stops (a duplicate batch after a
            // whole-cluster restart in CI; at 1 ms that test failed so one run in four). 30 s stays below the hand-over's
            // entity timeout (entity-ask-timeout + task.shutdown.graceful.timeout.ms), and a stop waits only for acks.
            ["offset.flush.timeout.ms"] = "30000",
            ["group.id"] = _group,
            ["config.storage.topic"] = ConfigTopic,
            ["offset.storage.topic"] = OffsetTopic,
            ["status.storage.topic"] = StatusTopic,
            ["cluster.hostname"] = "127.0.0.1",
            ["cluster.port"] = "0",
        };
        // No seed nodes at all, not an empty list: the workers then find each other through Kafka.
        if (seeds.Any())
        {
            props["cluster.seed.nodes"] = string.Join(",", seeds);
        }

        foreach (var (k, v) in kafka.WorkerBrokerSettings())
        {
            props[k] = v;
        }

        return props;
    }

    /// <summary>
    /// Starts a node that joins the running ones (or starts the cluster), with <paramref name="extra"/> worker keys,
    /// and waits until every running node sees it Up.
    /// </summary>
    public async Task<DistributedWorker> StartNodeAsync(string workerId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var props = Properties(_seeds ? Running.Select(n => $"127.0.0.1:{n.Address.Port}").ToList() : []);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            props[k] = v;
        }

        var node = await DistributedWorker.StartAsync(DistributedConfig.Parse(props), QuickDiscovery, workerId, typeof(VerifiableSourceConnector).Assembly);
        _nodes.Add(node);
        var expected = Running.Count;
        await Eventually.AssertAsync(
            () => Running.All(n => Akka.Cluster.Cluster.Get(n.System).State.Members.Count(m => m.Status == MemberStatus.Up) == expected),
            TimeSpan.FromSeconds(60), $"{expected} node(s) Up on every node");
        // A member runs nothing (and answers no connector request) until its discovery has watched the config topic.
        await Eventually.AssertAsync(() => Running.All(n => n.Services.Entities.RunsNothing is null), TimeSpan.FromSeconds(60),
            "every node cleared to run connectors");
        return node;
    }

    /// <summary>
    /// The first node finds no cluster and forms one after discovery's stable margin: 2 s here, not the default 3 s.
    /// Without seeds the later nodes must see its refresh within that margin, which its scheduler and Kafka client
    /// threads give even while the test's thread pool is starved; much shorter and a stall would split the cluster.
    /// </summary>
    /// <remarks>
    /// Sharding moves shards to a node that joined in rounds of a few (rebalance-absolute-limit), one round per
    /// rebalance-interval: 2 s here, not Akka's 10 s, so a test that waits for a joined node's share waits seconds, not
    /// tens of them. A round starts only once the previous one has finished, so a starved node gets no overlap.
    /// Every node here shares one process, so a stall of the process (a starved thread pool on a loaded CI machine)
    /// silences all of them at once; with the product's 2 s heartbeat pause plus 2 s stable-after such a stall could
    /// get a healthy node downed and its tasks stopped without their last flush. These tests never crash a node, so
    /// they tolerate 6 s of silence.
    /// Akka's default serializer is watched: <see cref="DisposeAsync"/> fails if any message of ours went through it.
    /// </remarks>
    private static readonly Akka.Configuration.Config QuickDiscovery = Akka.Configuration.ConfigurationFactory.ParseString(
        """
        actorconnect.cluster.discovery { refresh-interval = 250ms, live-window = 2s, stable-margin = 2s }
        akka.cluster.sharding.rebalance-interval = 2s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 6s
        """)
        .WithFallback(Wire.WatchedDefaultSerializer.Config);

    public DistributedWorker NodeOf(string workerId) => Running.Single(n => n.Services.Tasks.WorkerId == workerId);

    /// <summary>The connector's status as each running node answers it.</summary>
    public async Task<IReadOnlyList<ConnectorStatus>> StatusFromEveryNodeAsync(string connector)
    {
        var statuses = new List<ConnectorStatus>();
        foreach (var node in Running)
        {
            statuses.Add(await node.StatusAsync(connector));
        }

        return statuses;
    }

    /// <summary>
    /// Waits until every node reports the connector and its <paramref name="tasks"/> tasks in <paramref name="state"/>,
    /// each on a running worker (none on <paramref name="notOn"/>); returns the connector's worker.
    /// </summary>
    public async Task<string> AwaitStateEverywhereAsync(string connector, ConnectState state, int tasks, TimeSpan timeout, string? notOn = null)
    {
        string? worker = null;
        await Eventually.AssertAsync(async () =>
        {
            var statuses = await StatusFromEveryNodeAsync(connector);
            var first = statuses[0];
            Assert.All(statuses, s => Assert.Equal(Render(first), Render(s)));
            Assert.Equal(state, first.State);
            Assert.Equal(tasks, first.Tasks.Count);
            var running = Running.Select(n => n.Services.Tasks.WorkerId).ToList();
            Assert.All(first.Tasks, t => Assert.Equal(state, t.State));
            Assert.All(first.Tasks.Select(t => t.WorkerId).Append(first.WorkerId), w =>
            {
                Assert.NotEqual(notOn, w);
                Assert.Contains(w, running);
            });
            worker = first.WorkerId;
        }, timeout, TimeSpan.FromMilliseconds(200));
        return worker!;
    }

    public static string Render(ConnectorStatus s) =>
        $"{s.Name} {s.State} {s.WorkerId} {s.Type} " + string.Join(",", s.Tasks.Select(t => $"{t.Id}:{t.State}:{t.WorkerId}:{t.RestartCount}"));

    public static Dictionary<string, string> SourceConfig(string name, string topic, int tasks) => new()
    {
        ["name"] = name,
        ["connector.class"] = typeof(VerifiableSourceConnector).FullName!,
        ["tasks.max"] = tasks.ToString(),
        ["topic"] = topic,
    };

    public static Dictionary<string, string> SinkConfig(string name, string topic, int tasks, string outputDir) => new()
    {
        ["name"] = name,
        ["connector.class"] = typeof(VerifiableSinkConnector).FullName!,
        ["tasks.max"] = tasks.ToString(),
        ["topics"] = topic,
        ["output.dir"] = outputDir,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Running)
        {
            await node.StopAsync();
        }

        // Every message between nodes has a wire format of ours (IClusterMessage); none may fall back to Akka's default.
        Assert.Empty(_nodes.SelectMany(n => Wire.WatchedDefaultSerializer.WrittenIn(n.System)).Distinct());
    }
}
