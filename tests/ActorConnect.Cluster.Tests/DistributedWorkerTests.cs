using ActorConnect.Cluster.Tests.TestConnectors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Xunit.Abstractions;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Tests;

/// <summary>Distributed workers in one process (separate ActorSystems on loopback), on the real broker.</summary>
[Collection("kafka")]
public sealed class DistributedWorkerTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_connector_runs_once_its_status_is_the_same_on_every_node_and_a_graceful_leave_moves_it_without_gap()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        await cluster.StartNodeAsync("node-a:8083");
        var b = await cluster.StartNodeAsync("node-b:8083");
        await cluster.StartNodeAsync("node-c:8083");
        var name = KafkaFixture.UniqueName("seq");

        var created = await b.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 2)));
        Assert.Equal(("source", name), (created.Type, created.Name));
        var host = await cluster.AwaitStateEverywhereAsync(name, ConnectState.Running, 2, Timeout);
        output.WriteLine($"{name} runs on {host}");
        await Eventually.AssertAsync(async () => Assert.Equal(2, (await b.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo(name))).Tasks.Count), Timeout);
        await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > 200, Timeout, "records flow");

        var before = await kafka.HighWatermarkAsync(topic);
        await cluster.NodeOf(host).StopAsync();
        var newHost = await cluster.AwaitStateEverywhereAsync(name, ConnectState.Running, 2, Timeout, notOn: host);
        output.WriteLine($"{name} moved from {host} to {newHost}");
        await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > before + 200, Timeout, "records keep flowing after the move");

        // Stopped here so the last records are flushed before the topic is read.
        await cluster.Running.Single(n => n.Services.Tasks.WorkerId == newHost).AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(name, TargetState.Stopped));
        var check = await SequenceCheck.ReadAsync(kafka, topic);
        output.WriteLine(check.ToString());
        Assert.Equal(2, check.MaxPerTask.Count);
        Assert.All(check.Gaps.Values, Assert.Empty);
        Assert.Equal(0, check.TotalDuplicates);
        Assert.Equal(1, VerifiableSourceTask.MaxConcurrentInstances(name));
    }

    [Fact]
    public async Task Deleting_a_connector_stops_it_on_its_node_and_forgets_its_status_everywhere()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var a = await cluster.StartNodeAsync("node-a:8083");
        var b = await cluster.StartNodeAsync("node-b:8083");
        var name = KafkaFixture.UniqueName("seq");
        await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 1)));
        await cluster.AwaitStateEverywhereAsync(name, ConnectState.Running, 1, Timeout);

        await b.AskAsync<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(name));

        var end = await kafka.HighWatermarkAsync(topic);
        foreach (var node in cluster.Running)
        {
            await Eventually.AssertAsync(async () => Assert.DoesNotContain(name, await node.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance)), Timeout);
            await Assert.ThrowsAsync<Api.Errors.NotFoundException>(() => node.StatusAsync(name));
        }

        Assert.Null(a.Services.Statuses.Connector(name));
        await Eventually.AssertAsync(() => b.Services.Statuses.Connector(name) is null && b.Services.Statuses.Tasks(name).Count == 0, Timeout, "statuses are gone");
        // Nothing runs it any more: the topic stops growing (once the stop's last flush is in).
        Assert.Equal(end, await kafka.HighWatermarkAsync(topic));
    }

    [Fact]
    public async Task Restarts_and_topic_queries_sent_to_any_node_reach_the_nodes_running_the_connector_and_its_tasks()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        await cluster.StartNodeAsync("node-a:8083");
        await cluster.StartNodeAsync("node-b:8083");
        var name = KafkaFixture.UniqueName("seq");
        await cluster.Running[0].AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 2)));
        var host = await cluster.AwaitStateEverywhereAsync(name, ConnectState.Running, 2, Timeout);
        var other = cluster.Running.First(n => n.Services.Tasks.WorkerId != host);

        var restart = await other.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name, IncludeTasks: true));
        Assert.NotNull(restart.Plan);
        var workers = (await other.StatusAsync(name)).Tasks.ToDictionary(t => t.Id, t => t.WorkerId);
        Assert.All(restart.Plan!.Tasks, t => Assert.Equal((ConnectState.Restarting, workers[t.Id]), (t.State, t.WorkerId)));
        await cluster.AwaitStateEverywhereAsync(name, ConnectState.Running, 2, Timeout);
        await Eventually.AssertAsync(() => Assert.Equal(2 + 2, VerifiableSourceTask.StartCount(name)), Timeout);
        await other.AskAsync<object>(new WorkerProtocol.RestartTask(name, 1));
        await Eventually.AssertAsync(() => Assert.Equal(2 + 2 + 1, VerifiableSourceTask.StartCount(name)), Timeout);

        // The runtime tracks topics of sink tasks only (source tasks do not report theirs yet): the answer crosses nodes.
        Assert.Equal(name, (await other.AskAsync<WorkerProtocol.ActiveTopics>(new WorkerProtocol.GetActiveTopics(name))).Name);
        await Assert.ThrowsAsync<Api.Errors.NotFoundException>(() => other.AskAsync<ConnectorTaskStatus>(new WorkerProtocol.GetTaskStatus(name, 7)));
        Assert.Contains((await other.AskAsync<ConnectorTaskStatus>(new WorkerProtocol.GetTaskStatus(name, 1))).WorkerId, cluster.Running.Select(n => n.Services.Tasks.WorkerId));
    }

    [Fact]
    public async Task Tasks_spread_over_the_workers_and_stay_balanced_as_workers_leave_join_and_return()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var a = await cluster.StartNodeAsync("node-a:8083");
        await cluster.StartNodeAsync("node-b:8083");
        var c = await cluster.StartNodeAsync("node-c:8083");
        var connectors = new[] { KafkaFixture.UniqueName("first"), KafkaFixture.UniqueName("second") };
        foreach (var name in connectors)
        {
            await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, await cluster.SourceTopicAsync(), 3)));
        }

        await AwaitBalancedAsync(cluster, connectors, "3 workers");
        await c.StopAsync();
        await AwaitBalancedAsync(cluster, connectors, "node-c left");
        await cluster.StartNodeAsync("node-d:8083");
        await AwaitBalancedAsync(cluster, connectors, "node-d joined");
        await cluster.StartNodeAsync("node-c:8083");
        await AwaitBalancedAsync(cluster, connectors, "node-c returned");
        Assert.All(connectors, name => Assert.Equal(1, VerifiableSourceTask.MaxConcurrentInstances(name)));
    }

    /// <summary>Every task RUNNING exactly once, on a running worker, and the task count per worker differing by at most one.</summary>
    private async Task AwaitBalancedAsync(ClusterHarness cluster, IReadOnlyList<string> connectors, string when)
    {
        var workers = cluster.Running.Select(n => n.Services.Tasks.WorkerId).ToList();
        IReadOnlyList<ConnectorTaskStatus> tasks = [];
        await Eventually.AssertAsync(async () =>
        {
            tasks = (await Task.WhenAll(connectors.Select(n => cluster.Running[0].StatusAsync(n)))).SelectMany(s => s.Tasks).ToList();
            Assert.Equal(3 * connectors.Count, tasks.Count);
            Assert.All(tasks, t => Assert.Equal(ConnectState.Running, t.State));
            Assert.All(tasks, t => Assert.Contains(t.WorkerId, workers));
            var perWorker = workers.Select(w => tasks.Count(t => t.WorkerId == w)).ToList();
            Assert.InRange(perWorker.Max() - perWorker.Min(), 0, 1);
            Assert.All(connectors, n => Assert.All(Enumerable.Range(0, 3), t => Assert.Equal(1, VerifiableSourceTask.LiveInstances(n, t))));
        }, Timeout, TimeSpan.FromMilliseconds(250));
        output.WriteLine($"{when}: " + string.Join(", ", workers.Select(w => $"{w} runs {tasks.Count(t => t.WorkerId == w)}")));
    }

    [Fact]
    public async Task Creating_and_deleting_a_second_connector_never_restarts_the_first()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var topic2 = await cluster.SourceTopicAsync();
        var a = await cluster.StartNodeAsync("node-a:8083");
        var b = await cluster.StartNodeAsync("node-b:8083");
        var first = KafkaFixture.UniqueName("first");
        var second = KafkaFixture.UniqueName("second");
        await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(first, topic, 2)));
        await cluster.AwaitStateEverywhereAsync(first, ConnectState.Running, 2, Timeout);
        Assert.Equal(2, VerifiableSourceTask.StartCount(first));

        await b.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(second, topic2, 3)));
        await cluster.AwaitStateEverywhereAsync(second, ConnectState.Running, 3, Timeout);
        await b.AskAsync<WorkerProtocol.ConnectorDeleted>(new WorkerProtocol.DeleteConnector(second));
        await a.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(first, TargetState.Stopped));

        Assert.Equal(2, VerifiableSourceTask.StartCount(first));
        Assert.Equal(3, VerifiableSourceTask.StartCount(second));
        var check = await SequenceCheck.ReadAsync(kafka, topic);
        output.WriteLine(check.ToString());
        Assert.All(check.Gaps.Values, Assert.Empty);
        Assert.Equal(0, check.TotalDuplicates);
    }

    [Fact]
    public async Task A_host_with_its_own_cluster_ActorSystem_and_actors_runs_a_connector_inside_it()
    {
        await using var cluster = await ClusterHarness.CreateAsync(kafka);
        var topic = await cluster.SourceTopicAsync();
        var config = Config.DistributedConfig.Parse(cluster.Properties([]));
        // The host's own system: its name, its settings, its actors; ActorConnect's defaults underneath.
        var system = Akka.Actor.ActorSystem.Create("host-app", Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ClusterSettings.NodeConfig(config)));
        try
        {
            var echo = system.ActorOf(Akka.Actor.Props.Create(() => new EchoActor()), "host-echo");
            var cl = Akka.Cluster.Cluster.Get(system);
            cl.Join(cl.SelfAddress);
            await using var worker = await DistributedWorker.StartAsync(system, config, "embedded:8083", false, typeof(VerifiableSourceConnector).Assembly);
            await Eventually.AssertAsync(() => worker.RunsNothingBecause is null, Timeout, "the node is cleared to run connectors");
            var name = KafkaFixture.UniqueName("embedded");
            await worker.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(name, topic, 1)));
            await Eventually.AssertAsync(async () => Assert.Equal(ConnectState.Running, (await worker.StatusAsync(name)).State), Timeout);
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > 50, Timeout, "records flow");
            Assert.Equal("still here", await echo.Ask<string>("still here", TimeSpan.FromSeconds(5)));
            await worker.StopAsync();
            Assert.False(system.WhenTerminated.IsCompleted);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private sealed class EchoActor : Akka.Actor.ReceiveActor
    {
        public EchoActor() => Receive<string>(s => Sender.Tell(s));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_a_whole_cluster_stop_and_start_connectors_target_states_and_offsets_come_back(bool seedNodes)
    {
        // Without seed nodes the restarted workers find each other through Kafka, past the stopped ones' announcements.
        var cluster = await ClusterHarness.CreateAsync(kafka, seedNodes);
        var topic = await cluster.SourceTopicAsync();
        var pausedTopic = await cluster.SourceTopicAsync();
        var stoppedTopic = await cluster.SourceTopicAsync();
        var running = KafkaFixture.UniqueName("running");
        var paused = KafkaFixture.UniqueName("paused");
        var stopped = KafkaFixture.UniqueName("stopped");
        IReadOnlyList<ConnectorOffset> offsetsBefore;
        await using (cluster)
        {
            var a = await cluster.StartNodeAsync("node-a:8083");
            await cluster.StartNodeAsync("node-b:8083");
            await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(running, topic, 1)));
            await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(paused, pausedTopic, 1), TargetState.Paused));
            await a.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(ClusterHarness.SourceConfig(stopped, stoppedTopic, 1)));
            await cluster.AwaitStateEverywhereAsync(running, ConnectState.Running, 1, Timeout);
            await cluster.AwaitStateEverywhereAsync(paused, ConnectState.Paused, 1, Timeout);
            await cluster.AwaitStateEverywhereAsync(stopped, ConnectState.Running, 1, Timeout);
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(stoppedTopic) > 50, Timeout, "the third connector wrote some records");
            await a.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(stopped, TargetState.Stopped));
            offsetsBefore = (await a.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(stopped))).Offsets;
            Assert.Single(offsetsBefore);
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > 100, Timeout, "the running connector wrote records");
        }

        var again = new ClusterHarness(kafka, cluster, seedNodes);
        await using (again)
        {
            var c = await again.StartNodeAsync("node-c:8083");
            await again.StartNodeAsync("node-d:8083");
            Assert.Equal(new[] { paused, running, stopped }.OrderBy(n => n, StringComparer.Ordinal), await c.AskAsync<List<string>>(WorkerProtocol.ListConnectors.Instance));
            var before = await kafka.HighWatermarkAsync(topic);
            await again.AwaitStateEverywhereAsync(running, ConnectState.Running, 1, Timeout);
            await again.AwaitStateEverywhereAsync(paused, ConnectState.Paused, 1, Timeout);
            await again.AwaitStateEverywhereAsync(stopped, ConnectState.Stopped, 0, Timeout);
            Assert.Equal(
                offsetsBefore.Select(o => (o.Partition["task"], o.Offset!["seq"])),
                (await c.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(stopped))).Offsets.Select(o => (o.Partition["task"], o.Offset!["seq"])));
            await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) > before + 100, Timeout, "the running connector resumes");
            await c.AskAsync<WorkerProtocol.TargetStateSet>(new WorkerProtocol.SetTargetState(running, TargetState.Stopped));
        }

        var check = await SequenceCheck.ReadAsync(kafka, topic);
        output.WriteLine(check.ToString());
        Assert.All(check.Gaps.Values, Assert.Empty);
        Assert.Equal(0, check.TotalDuplicates);
        Assert.Equal(0, await kafka.HighWatermarkAsync(pausedTopic));
    }
}
