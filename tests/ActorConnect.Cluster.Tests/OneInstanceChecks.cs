using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ActorConnect.Cluster.Tests.TestConnectors;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// A verifiable source of <see cref="Tasks"/> tasks in a <see cref="ProcessCluster"/>, and the checks that each of its
/// tasks runs as one instance at a time: live marks, one writer per task in the topic, no gap.
/// </summary>
internal sealed class OneInstanceChecks(KafkaFixture kafka, ITestOutputHelper output)
{
    public const int Tasks = 3;

    /// <summary>A verifiable source of <see cref="Tasks"/> tasks, each writing its own partition, created over REST on the first running node.</summary>
    internal async Task<(string Name, string Topic)> CreateSourceAsync(ProcessCluster cluster, string liveDir)
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
    internal async Task EachTaskRunsOnceAsync(ProcessCluster cluster, string name, string liveDir)
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
    internal async Task StopAndAssertWrittenByOneInstanceAsync(ProcessCluster cluster, string name, string topic, LiveWatch watch, bool crashed)
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
}
