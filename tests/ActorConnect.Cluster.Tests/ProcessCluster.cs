using System.Net;
using System.Net.Sockets;
using ActorConnect.Cluster.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Status;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// <c>actorconnect distributed</c> processes on loopback, one per fixed cluster port so a killed node can come back
/// at the same address; the test reads and writes the cluster's state through the config and status topics, as any
/// client of the cluster may.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly KafkaFixture _kafka;
    private readonly ITestOutputHelper _output;
    private readonly List<int> _ports;
    private readonly string _plugins;
    private readonly List<ProcessRunner> _all = new();
    private readonly Func<int, IReadOnlyDictionary<string, string>>? _nodeProperties;

    private ProcessCluster(KafkaFixture kafka, ITestOutputHelper output, ClusterHarness topics, int size, Func<int, IReadOnlyDictionary<string, string>>? nodeProperties)
    {
        _nodeProperties = nodeProperties;
        _kafka = kafka;
        _output = output;
        Topics = topics;
        Dir = RepoPaths.NewTempDirectory("distributed");
        _plugins = PluginDirectory(Dir);
        _ports = Enumerable.Range(0, size).Select(_ => FreePort()).ToList();
        Configs = new KafkaConfigBackingStore(Log(topics.ConfigTopic));
        Statuses = new KafkaStatusBackingStore(Log(topics.StatusTopic));
    }

    public ClusterHarness Topics { get; }

    public string Dir { get; }

    public KafkaConfigBackingStore Configs { get; }

    public KafkaStatusBackingStore Statuses { get; }

    /// <summary>The running process of each node, by worker id.</summary>
    public Dictionary<string, ProcessRunner> Nodes { get; } = new();

    /// <summary>Starts <paramref name="size"/> nodes and returns once every one sees them all Up.</summary>
    /// <param name="kafka">The broker.</param>
    /// <param name="output">Where the nodes' notable lines are echoed.</param>
    /// <param name="size">How many nodes.</param>
    /// <param name="nodeProperties">Worker properties added to node i's (on each of its starts).</param>
    public static async Task<ProcessCluster> StartAsync(KafkaFixture kafka, ITestOutputHelper output, int size = 3, Func<int, IReadOnlyDictionary<string, string>>? nodeProperties = null)
    {
        var cluster = new ProcessCluster(kafka, output, await ClusterHarness.CreateAsync(kafka), size, nodeProperties);
        await cluster.Configs.StartAsync();
        await cluster.Statuses.StartAsync();
        for (var i = 0; i < size; i++)
        {
            await cluster.StartNodeAsync(i);
        }

        // A member still Joining does not count for the Split Brain Resolver: bounce only once all are Up everywhere.
        foreach (var process in cluster.Nodes.Values)
        {
            await process.WaitForOutputAsync($"({size} Up)", Timeout);
        }

        return cluster;
    }

    public static string WorkerId(int node) => $"127.0.0.1:{18180 + node}";

    /// <summary>Starts node <paramref name="node"/> (again) and waits until every running node has seen it Up.</summary>
    public async Task RestartNodeAsync(int node)
    {
        var seen = Nodes.Where(n => n.Key != WorkerId(node)).ToDictionary(n => n.Key, n => UpLines(n.Value));
        await StartNodeAsync(node);
        await Eventually.AssertAsync(
            () => Nodes.All(n => (seen.TryGetValue(n.Key, out var before) ? UpLines(n.Value) > before : UpLines(n.Value) > 0)
                                 && n.Value.Lines.LastOrDefault(l => l.Contains(" Up)", StringComparison.Ordinal))?.Contains($"({_ports.Count} Up)", StringComparison.Ordinal) == true),
            Timeout, $"node {node} is Up on every node", TimeSpan.FromMilliseconds(200));
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
    /// Starts one more worker process of the same group, topics and seed nodes, with <paramref name="properties"/> over
    /// them, which may not join (the cluster's nodes do not wait for it); it is stopped with the cluster.
    /// </summary>
    public async Task<ProcessRunner> StartOutsiderAsync(string name, int restPortOffset, IReadOnlyDictionary<string, string> properties)
    {
        var props = Topics.Properties(_ports.Select(p => $"127.0.0.1:{p}"));
        props["cluster.port"] = FreePort().ToString();
        props["listeners"] = $"http://{WorkerId(restPortOffset)}";
        props["plugin.path"] = _plugins;
        return await StartProcessAsync(name, props, properties);
    }

    private async Task StartNodeAsync(int node)
    {
        var props = Topics.Properties(_ports.Select(p => $"127.0.0.1:{p}"));
        props["cluster.port"] = _ports[node].ToString();
        props["listeners"] = $"http://{WorkerId(node)}";
        props["plugin.path"] = _plugins;
        Nodes[WorkerId(node)] = await StartProcessAsync($"node{node}", props, _nodeProperties?.Invoke(node));
    }

    private async Task<ProcessRunner> StartProcessAsync(string name, Dictionary<string, string> props, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            props[key] = value;
        }

        var file = Path.Combine(Dir, $"worker-{name}.properties");
        await File.WriteAllLinesAsync(file, props.Select(kv => $"{kv.Key}={kv.Value}"));
        var process = ProcessRunner.Start("dotnet", [HostDll, "distributed", file], workingDirectory: Dir, name: name, echo: Echo);
        _all.Add(process);
        await process.WaitForOutputAsync("distributed worker started", Timeout);
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
            || line.Contains("cluster connection", StringComparison.Ordinal) || line.Contains("TLS", StringComparison.Ordinal))
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
