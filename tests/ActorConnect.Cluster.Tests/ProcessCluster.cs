using System.Net;
using System.Net.Sockets;
using ActorConnect.Cluster.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// <c>actorconnect distributed</c> processes on loopback. By default every node starts from one worker.properties, as
/// Kafka Connect's workers do: no seed nodes (they find each other through Kafka), <c>cluster.port=0</c>, and the REST
/// port from the environment (<c>${env:...}</c>); a node given properties of its own gets that file with them added.
/// With seed nodes, each node has its own file and a fixed cluster port, so a killed node comes back at the same
/// address. The test reads and writes the cluster's state through the config and status topics, as any client of the
/// cluster may.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The variable each node's REST port comes from, through the <c>env</c> config provider.</summary>
    public const string RestPortVariable = "ACTORCONNECT_TEST_REST_PORT";

    private readonly KafkaFixture _kafka;
    private readonly ITestOutputHelper _output;
    private readonly List<int> _restPorts = new();
    private readonly List<int> _clusterPorts = new();
    private readonly bool _seeds;
    private readonly string _plugins;
    private readonly List<ProcessRunner> _all = new();
    private readonly Func<int, IReadOnlyDictionary<string, string>>? _nodeProperties;

    private ProcessCluster(KafkaFixture kafka, ITestOutputHelper output, ClusterHarness topics, int size, Func<int, IReadOnlyDictionary<string, string>>? nodeProperties, bool seeds)
    {
        _nodeProperties = nodeProperties;
        _seeds = seeds;
        _kafka = kafka;
        _output = output;
        Topics = topics;
        Dir = RepoPaths.NewTempDirectory("distributed");
        _plugins = PluginDirectory(Dir);
        for (var i = 0; i < size; i++)
        {
            _restPorts.Add(FreePort());
            _clusterPorts.Add(FreePort());
        }

        Configs = new KafkaConfigBackingStore(Log(topics.ConfigTopic));
        Statuses = new KafkaStatusBackingStore(Log(topics.StatusTopic));
    }

    public ClusterHarness Topics { get; }

    public string Dir { get; }

    /// <summary>The one worker.properties every node without properties of its own starts from (no seed nodes).</summary>
    public string SharedFile => Path.Combine(Dir, "worker.properties");

    public KafkaConfigBackingStore Configs { get; }

    public KafkaStatusBackingStore Statuses { get; }

    /// <summary>The process of each node started, by worker id (a killed one stays, exited).</summary>
    public Dictionary<string, ProcessRunner> Nodes { get; } = new();

    /// <summary>The nodes whose process runs.</summary>
    public IEnumerable<KeyValuePair<string, ProcessRunner>> Live => Nodes.Where(n => !n.Value.HasExited);

    /// <summary>Starts <paramref name="size"/> nodes one after the other and returns once every one sees them all Up.</summary>
    /// <param name="kafka">The broker.</param>
    /// <param name="output">Where the nodes' notable lines are echoed.</param>
    /// <param name="size">How many nodes.</param>
    /// <param name="nodeProperties">Worker properties added to node i's (on each of its starts).</param>
    /// <param name="seeds">Give every node the list of all nodes' cluster addresses in <c>cluster.seed.nodes</c>, instead of discovery.</param>
    public static async Task<ProcessCluster> StartAsync(KafkaFixture kafka, ITestOutputHelper output, int size = 3, Func<int, IReadOnlyDictionary<string, string>>? nodeProperties = null, bool seeds = false)
    {
        var cluster = await CreateAsync(kafka, output, size, nodeProperties, seeds);
        for (var i = 0; i < size; i++)
        {
            await cluster.StartedAsync(cluster.Launch(i));
        }

        await cluster.AllUpAsync();
        return cluster;
    }

    /// <summary>A cluster's topics, stores and worker.properties, with no node started yet (see <see cref="Launch"/>).</summary>
    public static async Task<ProcessCluster> CreateAsync(KafkaFixture kafka, ITestOutputHelper output, int size = 3, Func<int, IReadOnlyDictionary<string, string>>? nodeProperties = null, bool seeds = false)
    {
        var cluster = new ProcessCluster(kafka, output, await ClusterHarness.CreateAsync(kafka), size, nodeProperties, seeds);
        await cluster.Configs.StartAsync();
        await cluster.Statuses.StartAsync();
        await File.WriteAllLinesAsync(cluster.SharedFile, cluster.SharedProperties().Select(kv => $"{kv.Key}={kv.Value}"));
        return cluster;
    }

    /// <summary>Waits until every running node has logged all of them Up, and that it may run connectors and tasks.</summary>
    /// <remarks>
    /// A member still Joining does not count for the Split Brain Resolver: bounce only once all are Up everywhere. A
    /// member Up still runs nothing (and answers connector requests 503) until discovery has watched it for the stable
    /// margin, so a test that creates a connector right after this must wait for that too.
    /// </remarks>
    public async Task AllUpAsync()
    {
        var live = Live.Select(n => n.Value).ToList();
        foreach (var process in live)
        {
            await process.WaitForOutputAsync($"({live.Count} Up)", Timeout);
            await process.WaitForOutputAsync("This worker runs connectors and tasks", Timeout);
        }
    }

    /// <summary>Node <paramref name="node"/>'s worker id: its advertised REST address.</summary>
    public string WorkerId(int node) => $"127.0.0.1:{_restPorts[node]}";

    /// <summary>Starts node <paramref name="node"/>'s process, without waiting for anything.</summary>
    public ProcessRunner Launch(int node)
    {
        string file;
        var extra = _nodeProperties?.Invoke(node);
        if (_seeds || extra is { Count: > 0 })
        {
            var props = _seeds ? SeedProperties(node) : SharedProperties();
            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                props[key] = value;
            }

            file = WriteFile($"node{node}", props);
        }
        else
        {
            file = SharedFile;
        }

        return Nodes[WorkerId(node)] = StartProcess($"node{node}", file, _restPorts[node]);
    }

    /// <summary>Waits until the process has logged that its worker started; returns it.</summary>
    public async Task<ProcessRunner> StartedAsync(ProcessRunner process)
    {
        await process.WaitForOutputAsync("distributed worker started", Timeout);
        return process;
    }

    /// <summary>Starts node <paramref name="node"/> (again) and waits until every running node has seen it Up.</summary>
    public async Task RestartNodeAsync(int node)
    {
        var seen = Live.ToDictionary(n => n.Key, n => UpLines(n.Value));
        await StartedAsync(Launch(node));
        await Eventually.AssertAsync(
            () =>
            {
                var live = Live.ToList();
                return live.All(n => (seen.TryGetValue(n.Key, out var before) ? UpLines(n.Value) > before : UpLines(n.Value) > 0)
                                     && n.Value.Lines.LastOrDefault(l => l.Contains(" Up)", StringComparison.Ordinal))?.Contains($"({live.Count} Up)", StringComparison.Ordinal) == true);
            },
            Timeout, $"node {node} is Up on every node", TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Starts one node more (from the same file, unless seeds are used) and waits until every running node has seen it Up; returns its index.</summary>
    public async Task<int> AddNodeAsync()
    {
        _restPorts.Add(FreePort());
        _clusterPorts.Add(FreePort());
        await RestartNodeAsync(_restPorts.Count - 1);
        return _restPorts.Count - 1;
    }

    /// <summary>Waits until the status topic shows the connector and its tasks RUNNING on one worker other than <paramref name="notOn"/>.</summary>
    public async Task<StatusRecord> RunningOnAsync(string name, int tasks, string? notOn)
    {
        StatusRecord? found = null;
        await Eventually.AssertAsync(async () =>
        {
            await Statuses.ReadToEndAsync();
            var connector = Statuses.Connector(name);
            var records = Statuses.Tasks(name);
            if (connector is { State: ConnectState.Running } && connector.WorkerId != notOn && records.Count == tasks
                && records.All(t => t.State == ConnectState.Running && t.WorkerId != notOn))
            {
                found = connector;
                return true;
            }

            return false;
        }, Timeout, $"{name} RUNNING on a worker other than {notOn}", TimeSpan.FromMilliseconds(200));
        return found!;
    }

    /// <summary>Waits until the topic has grown by more than 300 records: the cluster's sources write.</summary>
    public async Task RecordsFlowAsync(string topic)
    {
        var before = await _kafka.HighWatermarkAsync(topic);
        await Eventually.AssertAsync(async () => await _kafka.HighWatermarkAsync(topic) > before + 300, Timeout, "records flow");
    }

    /// <summary>Waits until the status topic shows the connector STOPPED: its tasks have flushed their last offsets.</summary>
    public Task AwaitStoppedAsync(string name) => Eventually.AssertAsync(async () =>
    {
        await Statuses.ReadToEndAsync();
        return Statuses.Connector(name)?.State == ConnectState.Stopped && Statuses.Tasks(name).Count == 0;
    }, Timeout, $"{name} is STOPPED, with no task left");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _all)
        {
            await process.DisposeAsync();
        }

        foreach (var group in _all.GroupBy(p => p.Name))
        {
            var log = Path.Combine(Dir, $"{group.Key}.log");
            await File.WriteAllLinesAsync(log, group.SelectMany((p, incarnation) => p.Lines.Prepend($"--- {group.Key}, start {incarnation + 1}")));
            _output.WriteLine($"{group.Key}: full output in {log}");
        }

        Configs.Dispose();
        Statuses.Dispose();
    }

    private static int UpLines(ProcessRunner process) => process.Lines.Count(l => l.Contains(" Up)", StringComparison.Ordinal));

    /// <summary>
    /// Starts one more worker process of the same group and topics (from the cluster's properties: no seeds, or the
    /// nodes' seed list), on a port of its own, with <paramref name="properties"/> over them (<c>listeners</c> among
    /// them sets its REST address). It may not join: the cluster's nodes do not wait for it; it is stopped with the cluster.
    /// </summary>
    public async Task<ProcessRunner> StartOutsiderAsync(string name, IReadOnlyDictionary<string, string> properties)
    {
        var props = _seeds ? SeedProperties(null) : SharedProperties();
        props["cluster.port"] = FreePort().ToString();
        foreach (var (key, value) in properties)
        {
            props[key] = value;
        }

        return await StartedAsync(StartProcess(name, WriteFile(name, props), FreePort()));
    }

    /// <summary>What every node reads when discovery finds the others: one file for all, the REST port from the environment.</summary>
    private Dictionary<string, string> SharedProperties() => FileProperties([], 0);

    /// <summary>A node's own file with every node in <c>cluster.seed.nodes</c>, on its fixed cluster port (null: a port of its own).</summary>
    private Dictionary<string, string> SeedProperties(int? node) =>
        FileProperties(_clusterPorts.Select(p => $"127.0.0.1:{p}"), node is { } n ? _clusterPorts[n] : FreePort());

    private Dictionary<string, string> FileProperties(IEnumerable<string> seeds, int clusterPort)
    {
        var props = Topics.Properties(seeds);
        props["cluster.port"] = clusterPort.ToString();
        props["listeners"] = $"http://127.0.0.1:${{env:{RestPortVariable}}}";
        props["config.providers"] = "env";
        props["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
        props["config.providers.env.param.allowlist.pattern"] = RestPortVariable;
        props["plugin.path"] = _plugins;
        return props;
    }

    private string WriteFile(string name, Dictionary<string, string> props)
    {
        var file = Path.Combine(Dir, $"worker-{name}.properties");
        File.WriteAllLines(file, props.Select(kv => $"{kv.Key}={kv.Value}"));
        return file;
    }

    private ProcessRunner StartProcess(string name, string file, int restPort)
    {
        var process = ProcessRunner.Start("dotnet", [HostDll, "distributed", file], new Dictionary<string, string?> { [RestPortVariable] = restPort.ToString() },
            workingDirectory: Dir, name: name, echo: Echo);
        _all.Add(process);
        return process;
    }

    internal static string HostDll
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "actorconnect.dll");
            return File.Exists(beside) ? beside : throw new FileNotFoundException("actorconnect.dll is not beside the test assembly; build the Host project", beside);
        }
    }

    /// <summary>
    /// A plugin.path holding this test assembly, which carries the verifiable source, with what its connectors' tests
    /// need to load. Its TestKit specs are left without Akka.TestKit on purpose: the scan skips a type that cannot load
    /// and keeps the assembly's others, as Kafka Connect's does.
    /// </summary>
    private static string PluginDirectory(string dir)
    {
        var plugins = Path.Combine(dir, "plugins");
        var folder = Path.Combine(plugins, "verifiable");
        Directory.CreateDirectory(folder);
        var assembly = typeof(TestConnectors.VerifiableSourceConnector).Assembly.Location;
        foreach (var file in new[] { Path.GetFileName(assembly), "ActorConnect.TestSupport.dll", "xunit.core.dll", "xunit.abstractions.dll" })
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(assembly)!, file), Path.Combine(folder, file));
        }

        return plugins;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private KafkaLogSettings Log(string topic) =>
        new(_kafka.BootstrapServers, topic, 1, 1) { BrokerFeatures = _kafka.IsLegacyBroker ? BrokerFeatures.Legacy : BrokerFeatures.Modern };

    private void Echo(string line)
    {
        if (line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("Connector", StringComparison.Ordinal) || line.Contains("SBR took", StringComparison.Ordinal)
            || line.Contains("distributed worker", StringComparison.Ordinal) || line.Contains("Cluster member", StringComparison.Ordinal)
            || line.Contains("cluster connection", StringComparison.Ordinal) || line.Contains("TLS", StringComparison.Ordinal)
            || line.Contains("Discovery", StringComparison.Ordinal) || line.Contains("This worker runs", StringComparison.Ordinal))
        {
            try
            {
                _output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has ended; the line is still in the process's log.
            }
        }
    }
}
