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
    private const int Tasks = OneInstanceChecks.Tasks;
    private readonly OneInstanceChecks _checks = new(kafka, output);

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
        var (name, topic) = await _checks.CreateSourceAsync(cluster, watch.Dir);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);

        cluster.Nodes[founder].KillHard();
        output.WriteLine($"SIGKILL the founder {founder}");
        var fourth = await cluster.AddNodeAsync();
        Assert.All(cluster.Live, n => Assert.Contains(n.Value.Lines, l => l.Contains("(3 Up)", StringComparison.Ordinal)));
        Assert.Contains(cluster.Nodes[cluster.WorkerId(fourth)].Lines, l => l.Contains("Discovery: joining the cluster of", StringComparison.Ordinal));
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);

        // The SIGKILL may cost duplicates (records sent after the last offset flush are sent again), never a gap.
        await _checks.StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: true);
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
        var (name, topic) = await _checks.CreateSourceAsync(cluster, watch.Dir);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);
        await _checks.StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: false);
    }

    [Fact]
    public async Task Workers_of_the_group_whose_seed_lists_point_at_themselves_or_at_nothing_run_nothing_say_why_and_no_task_runs_twice()
    {
        await using var cluster = await ProcessCluster.StartAsync(kafka, output, size: 1);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await _checks.CreateSourceAsync(cluster, watch.Dir);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
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
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        foreach (var (second, _) in separate)
        {
            Assert.False(second.HasExited);
            Assert.DoesNotContain(second.Lines, l => l.Contains("This worker runs connectors and tasks", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(cluster.Nodes[first].Lines, l => l.Contains("(2 Up)", StringComparison.Ordinal));
        await cluster.Statuses.ReadToEndAsync();
        Assert.All(cluster.Statuses.Tasks(name).Append(cluster.Statuses.Connector(name)!), s => Assert.Equal(first, s.WorkerId));

        await _checks.StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: false);
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
}
