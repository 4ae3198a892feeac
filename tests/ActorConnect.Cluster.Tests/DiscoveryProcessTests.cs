using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ActorConnect.Cluster.Tests.TestConnectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Real <c>actorconnect distributed</c> processes started as Kafka Connect's are, from one properties file with no seed
/// nodes: they find each other through Kafka, form one cluster, and a worker that cannot join runs nothing.
/// </summary>
[Collection("kafka")]
public sealed class DiscoveryProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Tasks = 3;

    [Fact]
    public async Task Three_workers_started_together_from_one_file_form_one_cluster_run_each_task_once_and_a_fourth_started_after_the_founder_is_killed_joins_the_survivors()
    {
        await using var cluster = await ProcessCluster.CreateAsync(kafka, output);
        foreach (var process in Enumerable.Range(0, 3).Select(cluster.Launch).ToList())
        {
            await cluster.StartedAsync(process);
        }

        await cluster.AllUpAsync();
        var founder = AssertOneFounder(cluster);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await CreateSourceAsync(cluster, watch.Dir);
        await EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);

        cluster.Nodes[founder].KillHard();
        output.WriteLine($"SIGKILL the founder {founder}");
        var fourth = await cluster.AddNodeAsync();
        Assert.All(cluster.Live, n => Assert.Contains(n.Value.Lines, l => l.Contains("(3 Up)", StringComparison.Ordinal)));
        Assert.Contains(cluster.Nodes[cluster.WorkerId(fourth)].Lines, l => l.Contains("Discovery: joining the cluster of", StringComparison.Ordinal));
        await EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);

        // The SIGKILL may cost duplicates (records sent after the last offset flush are sent again), never a gap.
        await StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: true);
    }

    [Fact]
    public async Task Three_workers_started_in_random_order_from_one_file_form_one_cluster_and_run_each_task_once_with_the_same_status_on_every_node()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        // Each next worker starts when the one before reached a random point of its start: at once, its REST API
        // up, its discovery decided, or its membership settled.
        string?[] points = [null, "distributed worker started", "Discovery: ", "This worker runs connectors and tasks"];
        var order = Enumerable.Range(0, 3).OrderBy(_ => random.Next()).ToList();
        var waits = order.Select(_ => points[random.Next(points.Length)]).ToList();
        output.WriteLine($"seed {seed}: start order {string.Join(", ", order)}, each next after: {string.Join(", ", waits.Take(2).Select(w => w ?? "nothing"))}");
        await using var cluster = await ProcessCluster.CreateAsync(kafka, output);
        var started = new List<ProcessRunner>();
        for (var i = 0; i < order.Count; i++)
        {
            started.Add(cluster.Launch(order[i]));
            if (i < order.Count - 1 && waits[i] is { } point)
            {
                await started[^1].WaitForOutputAsync(point, ProcessCluster.Timeout);
            }
        }

        foreach (var process in started)
        {
            await cluster.StartedAsync(process);
        }

        await cluster.AllUpAsync();
        AssertOneFounder(cluster);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await CreateSourceAsync(cluster, watch.Dir);
        await EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);
        await StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: false);
    }

    [Fact]
    public async Task Workers_of_the_group_whose_seed_lists_point_at_themselves_or_at_nothing_run_nothing_say_why_and_no_task_runs_twice()
    {
        await using var cluster = await ProcessCluster.StartAsync(kafka, output, size: 1);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await CreateSourceAsync(cluster, watch.Dir);
        await EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        var first = cluster.WorkerId(0);

        // Seeds win over discovery: pointing at itself, a worker forms a cluster of its own; pointing at a port nobody
        // listens on, it never joins one. Either way it must not run the group's connectors beside the first.
        var separate = new List<(ProcessRunner Process, string Address)>();
        foreach (var seeds in new[] { "itself", "nothing" })
        {
            var port = ProcessCluster.FreePort();
            var rest = $"127.0.0.1:{ProcessCluster.FreePort()}";
            var process = await cluster.StartOutsiderAsync($"separate-{seeds}", new Dictionary<string, string>
            {
                ["cluster.port"] = port.ToString(),
                ["cluster.seed.nodes"] = seeds == "itself" ? $"127.0.0.1:{port}" : $"127.0.0.1:{ProcessCluster.FreePort()}",
                ["listeners"] = $"http://{rest}",
            });
            separate.Add((process, rest));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var (second, rest) in separate)
        {
            await second.WaitForOutputAsync("This worker runs nothing", ProcessCluster.Timeout);
            await Eventually.AssertAsync(async () =>
            {
                var reason = Reason(second);
                using var health = await http.GetAsync($"http://{rest}/health");
                var body = await health.Content.ReadAsStringAsync();
                Assert.NotEqual(HttpStatusCode.OK, health.StatusCode);
                Assert.Contains(reason, Texts(body));
                using var status = await http.GetAsync($"http://{rest}/connectors/{name}/status");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
                Assert.Contains(reason, Texts(await status.Content.ReadAsStringAsync()));
                output.WriteLine($"{second.Name} /health {(int)health.StatusCode}: {body}");
            }, ProcessCluster.Timeout, TimeSpan.FromMilliseconds(500));
        }

        await cluster.RecordsFlowAsync(topic);
        await EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        foreach (var (second, _) in separate)
        {
            Assert.False(second.HasExited);
            Assert.DoesNotContain(second.Lines, l => l.Contains("This worker runs connectors and tasks", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(cluster.Nodes[first].Lines, l => l.Contains("(2 Up)", StringComparison.Ordinal));
        await cluster.Statuses.ReadToEndAsync();
        Assert.All(cluster.Statuses.Tasks(name).Append(cluster.Statuses.Connector(name)!), s => Assert.Equal(first, s.WorkerId));

        await StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: false);
    }

    /// <summary>Exactly one node formed the cluster and every other joined it; returns the founder's worker id.</summary>
    private string AssertOneFounder(ProcessCluster cluster)
    {
        var founders = cluster.Live.Where(n => n.Value.Lines.Any(l => l.Contains("Discovery: forming a new cluster", StringComparison.Ordinal))).Select(n => n.Key).ToList();
        output.WriteLine($"formed by {string.Join(", ", founders)}");
        var founder = Assert.Single(founders);
        Assert.All(cluster.Live.Where(n => n.Key != founder), n => Assert.Contains(n.Value.Lines, l => l.Contains("Discovery: joining the cluster of", StringComparison.Ordinal)));
        return founder;
    }

    /// <summary>A verifiable source of <see cref="Tasks"/> tasks, each writing its own partition, created over REST on the first running node.</summary>
    private async Task<(string Name, string Topic)> CreateSourceAsync(ProcessCluster cluster, string liveDir)
    {
        var topic = await cluster.Topics.SourceTopicAsync(partitions: Tasks);
        var name = KafkaFixture.UniqueName("seq");
        var config = new Dictionary<string, string>(ClusterHarness.SourceConfig(name, topic, Tasks)) { ["topic.partitions"] = Tasks.ToString(), ["live.dir"] = liveDir };
        config.Remove("name");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var created = await http.PostAsJsonAsync($"http://{cluster.Live.First().Key}/connectors", new { name, config });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (name, topic);
    }

    /// <summary>
    /// Waits until each task has exactly one live instance (in any process), and every running node answers the same
    /// status: the connector and its tasks RUNNING, each on a running node.
    /// </summary>
    private async Task EachTaskRunsOnceAsync(ProcessCluster cluster, string name, string liveDir)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        string? agreed = null;
        await Eventually.AssertAsync(async () =>
        {
            Assert.All(Enumerable.Range(0, Tasks), t => Assert.Equal(1, VerifiableSourceTask.LiveInstancesIn(liveDir, name, t)));
            var live = cluster.Live.Select(n => n.Key).ToList();
            var statuses = new List<string>();
            foreach (var node in live)
            {
                var status = JsonNode.Parse(await http.GetStringAsync($"http://{node}/connectors/{name}/status"))!;
                Assert.Equal("RUNNING", status["connector"]!["state"]!.GetValue<string>());
                Assert.Contains(status["connector"]!["worker_id"]!.GetValue<string>(), live);
                Assert.Equal(Tasks, status["tasks"]!.AsArray().Count);
                Assert.All(status["tasks"]!.AsArray(), t =>
                {
                    Assert.Equal("RUNNING", t!["state"]!.GetValue<string>());
                    Assert.Contains(t["worker_id"]!.GetValue<string>(), live);
                });
                statuses.Add(status.ToJsonString());
            }

            Assert.All(statuses, s => Assert.Equal(statuses[0], s));
            agreed = statuses[0];
        }, ProcessCluster.Timeout, TimeSpan.FromMilliseconds(250));
        output.WriteLine($"every node answers {agreed}");
    }

    /// <summary>
    /// Stops the connector through the config topic, so its last records are flushed, then checks what its tasks wrote:
    /// every task, no gap, no record of an instance after another instance of its task had written, never two live
    /// instances of a task at once, and (unless a worker <paramref name="crashed"/>) no duplicate.
    /// </summary>
    private async Task StopAndAssertWrittenByOneInstanceAsync(ProcessCluster cluster, string name, string topic, LiveWatch watch, bool crashed)
    {
        await cluster.Configs.ReadToEndAsync();
        var stored = cluster.Configs.Read(name) ?? throw new InvalidOperationException($"{name} is not in the config topic");
        cluster.Configs.Put(stored with { TargetState = TargetState.Stopped });
        await cluster.AwaitStoppedAsync(name);
        var check = await SequenceCheck.ReadAsync(kafka, topic);
        output.WriteLine(check.ToString());
        Assert.Equal(Tasks, check.MaxPerTask.Count);
        Assert.All(check.Gaps.Values, Assert.Empty);
        Assert.Empty(check.SecondWriters);
        Assert.Equal(1, watch.Max);
        if (!crashed)
        {
            Assert.Equal(0, check.TotalDuplicates);
        }
    }

    /// <summary>The reason of the worker's last "This worker runs nothing: ..." line.</summary>
    private static string Reason(ProcessRunner worker)
    {
        const string marker = "This worker runs nothing: ";
        var line = worker.Lines.Last(l => l.Contains(marker, StringComparison.Ordinal));
        return line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim().Trim('"');
    }

    /// <summary>Every string in a JSON answer, joined, so a reason is found whichever field holds it.</summary>
    private static string Texts(string json)
    {
        static IEnumerable<string> Of(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(kv => Of(kv.Value)),
            JsonArray a => a.SelectMany(Of),
            JsonValue v when v.TryGetValue<string>(out var s) => [s],
            _ => [],
        };

        return string.Join("\n", Of(JsonNode.Parse(json)));
    }

    /// <summary>
    /// Samples the verifiable source's live marks every 100 ms while a test runs: the most instances of any one task
    /// seen at once (a task running twice, even briefly between two checks, shows here).
    /// </summary>
    private sealed class LiveWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private int _max;

        public LiveWatch(ProcessCluster cluster)
        {
            Dir = Directory.CreateDirectory(Path.Combine(cluster.Dir, "live")).FullName;
            _sampling = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
                {
                    foreach (var group in Directory.GetFiles(Dir, "*.live").GroupBy(f => Path.GetFileName(f)[..Path.GetFileName(f).LastIndexOf('-')]))
                    {
                        var dash = group.Key.LastIndexOf('-');
                        var live = VerifiableSourceTask.LiveInstancesIn(Dir, group.Key[..dash], int.Parse(group.Key[(dash + 1)..]));
                        InterlockedMax(live);
                    }
                }
            });
        }

        public string Dir { get; }

        /// <summary>The most live instances of one task seen at once so far.</summary>
        public int Max => Volatile.Read(ref _max);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sampling;
            _stop.Dispose();
        }

        private void InterlockedMax(int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
            {
            }
        }
    }
}
