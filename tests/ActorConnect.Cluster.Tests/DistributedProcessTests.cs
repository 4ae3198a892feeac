using System.Diagnostics;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>Real <c>actorconnect distributed</c> processes: nodes SIGKILLed and SIGTERMed under a running connector.</summary>
[Collection("kafka")]
public sealed class DistributedProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Fact]
    public async Task Workers_bounced_in_turn_hard_then_graceful_leave_every_source_and_sink_task_running_on_survivors_with_no_gap_and_no_duplicate_after_graceful_bounces()
    {
        var hard = int.Parse(Environment.GetEnvironmentVariable("ACTORCONNECT_HARD_BOUNCES") ?? "2");
        var graceful = int.Parse(Environment.GetEnvironmentVariable("ACTORCONNECT_GRACEFUL_BOUNCES") ?? "2");
        await using var cluster = await ProcessCluster.StartAsync(kafka, output);
        // Three partitions, so each of the sink's three tasks reads one.
        var topic = await cluster.Topics.SourceTopicAsync(partitions: 3);
        var name = KafkaFixture.UniqueName("seq");
        var sink = KafkaFixture.UniqueName("sink");
        var received = Directory.CreateDirectory(Path.Combine(cluster.Dir, "received")).FullName;
        // Each source task writes one partition, so a snapshot of the topic holds a prefix of every task's sequence.
        var config = new Dictionary<string, string>(ClusterHarness.SourceConfig(name, topic, 3)) { ["topic.partitions"] = "3" };
        var sinkConfig = ClusterHarness.SinkConfig(sink, topic, 3, received);
        // The config topic is the truth: a connector written there runs, whoever wrote it.
        cluster.Configs.Put(new StoredConnector(name, config, TargetState.Started));
        cluster.Configs.Put(new StoredConnector(sink, sinkConfig, TargetState.Started));
        var connector = await cluster.RunningOnAsync(name, 3, notOn: null);
        await cluster.RunningOnAsync(sink, 3, notOn: null);
        output.WriteLine($"{name} runs on {connector.WorkerId}, its tasks on {string.Join(", ", cluster.Statuses.Tasks(name).Select(t => t.WorkerId))}");
        await cluster.RecordsFlowAsync(topic);

        // Any node answers over REST, with the same status (Kafka Connect's shape) and each running node's worker_id.
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
        {
            for (var node = 0; node < 3; node++)
            {
                var status = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"http://{cluster.WorkerId(node)}/connectors/{name}/status"))!;
                Assert.Equal("RUNNING", status["connector"]!["state"]!.GetValue<string>());
                Assert.Equal(connector.WorkerId, status["connector"]!["worker_id"]!.GetValue<string>());
                Assert.Equal(3, status["tasks"]!.AsArray().Count);
                Assert.All(status["tasks"]!.AsArray(), t => Assert.Contains(t!["worker_id"]!.GetValue<string>(), cluster.Nodes.Keys));
            }
        }

        // Workers in turn, whatever they run: the connector, some tasks, or (after rebalancing) both.
        var failovers = new List<double>();
        for (var i = 0; i < hard; i++)
        {
            var victim = cluster.WorkerId(i % 3);
            var clock = Stopwatch.StartNew();
            cluster.Nodes[victim].KillHard();
            var moved = await cluster.RunningOnAsync(name, 3, notOn: victim);
            await cluster.RunningOnAsync(sink, 3, notOn: victim);
            failovers.Add(clock.Elapsed.TotalSeconds);
            output.WriteLine($"SIGKILL {i + 1}: {victim}; all RUNNING again in {clock.Elapsed.TotalSeconds:N1} s (connector on {moved.WorkerId}, generation {moved.Generation})");
            await cluster.RecordsFlowAsync(topic);
            await cluster.RestartNodeAsync(i % 3);
        }

        // A crash's duplicates are the first records the survivor sent: all in the topic by now. The sink's are the
        // records redelivered since its last commit: all written once it has caught up with the topic as it is now.
        var afterHard = await SequenceCheck.ReadAsync(kafka, topic);
        Console.WriteLine($"[distributed] after {hard} SIGKILL bounce(s): {afterHard}");
        Assert.All(afterHard.Gaps.Values, Assert.Empty);
        var sinkAfterHard = await SinkCaughtUpAsync(received, sink, afterHard);
        var sinkOwnDuplicates = sinkAfterHard.TotalDuplicates - afterHard.TotalDuplicates;
        Console.WriteLine($"[distributed] sink after {hard} SIGKILL bounce(s): {sinkAfterHard}; {sinkOwnDuplicates} redelivered by the sink itself");

        for (var i = 0; i < graceful; i++)
        {
            var victim = cluster.WorkerId((hard + i) % 3);
            Assert.Equal(0, await cluster.Nodes[victim].StopGracefullyAsync(TimeSpan.FromSeconds(90)));
            var moved = await cluster.RunningOnAsync(name, 3, notOn: victim);
            await cluster.RunningOnAsync(sink, 3, notOn: victim);
            output.WriteLine($"SIGTERM {i + 1}: {victim}; connector on {moved.WorkerId} (generation {moved.Generation})");
            await cluster.RecordsFlowAsync(topic);
            await cluster.RestartNodeAsync((hard + i) % 3);
        }

        // Stopped through the config topic, so its last records are flushed before the topic is read; the sink stops
        // once it has everything.
        cluster.Configs.Put(new StoredConnector(name, config, TargetState.Stopped));
        await cluster.AwaitStoppedAsync(name);
        var check = await SequenceCheck.ReadAsync(kafka, topic);
        await SinkCaughtUpAsync(received, sink, check);
        cluster.Configs.Put(new StoredConnector(sink, sinkConfig, TargetState.Stopped));
        await cluster.AwaitStoppedAsync(sink);
        var sinkCheck = SequenceCheck.ReadSink(received, sink);
        Console.WriteLine($"[distributed] sink after {graceful} more SIGTERM bounce(s): {sinkCheck}");
        var sorted = failovers.Order().ToList();
        Console.WriteLine($"[distributed] after {graceful} more SIGTERM bounce(s): {check}");
        if (sorted.Count > 0)
        {
            Console.WriteLine($"[distributed] SIGKILL to every task RUNNING on survivors: median {sorted[sorted.Count / 2]:N1} s, worst {sorted[^1]:N1} s over {sorted.Count} (informational)");
        }

        Assert.Equal(3, check.MaxPerTask.Count);
        Assert.All(check.Gaps.Values, Assert.Empty);
        Assert.Equal(afterHard.TotalDuplicates, check.TotalDuplicates);
        Assert.All(sinkCheck.Gaps.Values, Assert.Empty);
        Assert.All(sinkCheck.MaxPerTask, kv => Assert.True(kv.Value <= check.MaxPerTask[kv.Key], $"sink saw {kv.Value} of task {kv.Key}, beyond the source's {check.MaxPerTask[kv.Key]}"));
        Assert.Equal(sinkOwnDuplicates, sinkCheck.TotalDuplicates - check.TotalDuplicates);
        foreach (var process in cluster.Nodes.Values.Where(p => !p.HasExited))
        {
            Assert.Equal(0, await process.StopGracefullyAsync(TimeSpan.FromSeconds(90)));
        }
    }

    /// <summary>Waits until the sink's files hold every record of <paramref name="topic"/> (they are made durable at each offset commit).</summary>
    private static async Task<SequenceCheck> SinkCaughtUpAsync(string dir, string sink, SequenceCheck topic)
    {
        SequenceCheck? now = null;
        await Eventually.AssertAsync(() => (now = SequenceCheck.ReadSink(dir, sink)).Covers(topic), ProcessCluster.Timeout, $"{sink} has received every record of the topic");
        return now!;
    }
}
