using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorConnect.Cluster.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Three <c>actorconnect distributed</c> processes on loopback: the one running the connector is SIGKILLed, then the
/// next one gets SIGTERM.
/// </summary>
[Collection("kafka")]
public sealed class DistributedProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_SIGKILLed_node_is_downed_and_its_connector_runs_on_a_survivor_without_gap_then_a_SIGTERM_moves_it_without_duplicate()
    {
        var dir = RepoPaths.NewTempDirectory("distributed");
        var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var plugins = PluginDirectory(dir);
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToList();
        var seeds = ports.Select(p => $"127.0.0.1:{p}").ToList();
        var nodes = new Dictionary<string, ProcessRunner>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var props = cluster.Properties(seeds);
                props["cluster.port"] = ports[i].ToString();
                props["listeners"] = $"http://127.0.0.1:{18180 + i}";
                props["plugin.path"] = plugins;
                var file = Path.Combine(dir, $"worker-{i}.properties");
                await File.WriteAllLinesAsync(file, props.Select(kv => $"{kv.Key}={kv.Value}"));
                var workerId = $"127.0.0.1:{18180 + i}";
                var process = ProcessRunner.Start("dotnet", [HostDll, "distributed", file], workingDirectory: dir, name: $"node{i}", echo: Echo);
                nodes[workerId] = process;
                await process.WaitForOutputAsync("distributed worker started", Timeout);
            }

            // A member still Joining does not count for the Split Brain Resolver: kill only once all three are Up everywhere.
            foreach (var process in nodes.Values)
            {
                await process.WaitForOutputAsync("(3 Up)", Timeout);
            }

            using var configs = new KafkaConfigBackingStore(Log(cluster.ConfigTopic));
            using var statuses = new KafkaStatusBackingStore(Log(cluster.StatusTopic));
            await configs.StartAsync();
            await statuses.StartAsync();
            var name = KafkaFixture.UniqueName("seq");
            // The config topic is the truth: a connector written there runs, whoever wrote it.
            configs.Put(new StoredConnector(name, ClusterHarness.SourceConfig(name, topic, 2), TargetState.Started));

            var first = await RunningOnAsync(statuses, name, notOn: null);
            output.WriteLine($"{name} runs on {first.WorkerId} (generation {first.Generation})");
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > 300, Timeout, "records flow");

            var before = await kafka.HighWatermarkAsync(topic);
            var clock = Stopwatch.StartNew();
            nodes[first.WorkerId].KillHard();
            var moved = await RunningOnAsync(statuses, name, notOn: first.WorkerId);
            output.WriteLine($"{name} RUNNING on {moved.WorkerId} (generation {moved.Generation}) {clock.Elapsed.TotalSeconds:N1} s after the SIGKILL");
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > before + 300, Timeout, "records keep flowing after the failover");
            Console.WriteLine($"[distributed] failover after SIGKILL: RUNNING on a survivor {clock.Elapsed.TotalSeconds:N1} s after the kill (informational)");

            // The crash's duplicates are the first records the survivor sent: all in the topic by now.
            var afterKill = await SequenceCheck.ReadAsync(kafka, topic);
            Console.WriteLine($"[distributed] after SIGKILL: {afterKill}");
            Assert.All(afterKill.Gaps.Values, Assert.Empty);

            // A graceful bounce of the new host: the connector moves to the last node with no gap and no new duplicate.
            before = await kafka.HighWatermarkAsync(topic);
            Assert.Equal(0, await nodes[moved.WorkerId].StopGracefullyAsync(TimeSpan.FromSeconds(90)));
            var last = await RunningOnAsync(statuses, name, notOn: moved.WorkerId);
            Assert.NotEqual(first.WorkerId, last.WorkerId);
            output.WriteLine($"{name} moved on SIGTERM to {last.WorkerId} (generation {last.Generation})");
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > before + 300, Timeout, "records keep flowing after the graceful move");

            // Stopped through the config topic, so its last records are flushed before the topic is read.
            configs.Put(new StoredConnector(name, ClusterHarness.SourceConfig(name, topic, 2), TargetState.Stopped));
            await Eventually.AssertAsync(async () =>
            {
                await statuses.ReadToEndAsync();
                return statuses.Connector(name)?.State == ConnectState.Stopped;
            }, Timeout, "the connector is STOPPED");

            var check = await SequenceCheck.ReadAsync(kafka, topic);
            output.WriteLine(check.ToString());
            Console.WriteLine($"[distributed] after SIGKILL then SIGTERM: {check}");
            Assert.Equal(2, check.MaxPerTask.Count);
            Assert.All(check.Gaps.Values, Assert.Empty);
            Assert.Equal(afterKill.TotalDuplicates, check.TotalDuplicates);

            foreach (var (id, process) in nodes.Where(n => !n.Value.HasExited))
            {
                Assert.Equal(0, await process.StopGracefullyAsync(TimeSpan.FromSeconds(90)));
                output.WriteLine($"{id} stopped cleanly");
            }
        }
        finally
        {
            foreach (var (id, process) in nodes)
            {
                await process.DisposeAsync();
                var log = Path.Combine(dir, $"{process.Name}.log");
                await File.WriteAllLinesAsync(log, process.Lines);
                output.WriteLine($"{id}: full output in {log}");
            }
        }
    }

    private static string HostDll
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "actorconnect.dll");
            return File.Exists(beside) ? beside : throw new FileNotFoundException("actorconnect.dll is not beside the test assembly; build the Host project", beside);
        }
    }

    /// <summary>
    /// A plugin.path holding this test assembly, which carries the verifiable source, with what its public types
    /// derive from (xunit's fixture interfaces): the plugin scan lists an assembly's types only when all of them load.
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private KafkaLogSettings Log(string topic) =>
        new(kafka.BootstrapServers, topic, 1, 1) { BrokerFeatures = kafka.IsLegacyBroker ? BrokerFeatures.Legacy : BrokerFeatures.Modern };

    /// <summary>Waits until the status topic shows the connector and both its tasks RUNNING on one worker other than <paramref name="notOn"/>.</summary>
    private static async Task<StatusRecord> RunningOnAsync(KafkaStatusBackingStore statuses, string name, string? notOn)
    {
        StatusRecord? found = null;
        await Eventually.AssertAsync(async () =>
        {
            await statuses.ReadToEndAsync();
            var connector = statuses.Connector(name);
            var tasks = statuses.Tasks(name);
            if (connector is { State: ConnectState.Running } && connector.WorkerId != notOn && tasks.Count == 2
                && tasks.All(t => t.State == ConnectState.Running && t.WorkerId == connector.WorkerId))
            {
                found = connector;
                return true;
            }

            return false;
        }, Timeout, $"{name} RUNNING on a worker other than {notOn}", TimeSpan.FromMilliseconds(200));
        return found!;
    }

    private void Echo(string line)
    {
        if (line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("Connector", StringComparison.Ordinal) || line.Contains("SBR", StringComparison.Ordinal)
            || line.Contains("distributed worker", StringComparison.Ordinal) || line.Contains("Cluster member", StringComparison.Ordinal))
        {
            output.WriteLine(line);
        }
    }
}
