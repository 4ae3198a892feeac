using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using System.Text;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// The consumer group's rebalances reach sink tasks as open() and close(), on an in-memory Kafka: two tasks of one
/// connector split a topic's partitions between them, records move between them without loss or duplicates, and
/// deleting the connector closes what each task holds.
/// </summary>
public sealed class SinkRebalanceTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    private const int Partitions = 4;
    private const int BeforePerPartition = 2500;
    private const int AfterPerPartition = 250;

    [Fact]
    public async Task Two_tasks_open_disjoint_partitions_covering_the_topic_receive_every_record_once_and_close_them_on_delete()
    {
        var topic = KafkaFixture.UniqueName("rebalance-sink");
        await kafka.CreateTopicAsync(topic, Partitions);
        // Records waiting before the tasks start, so the first rebalance happens while records are in flight.
        await ProduceAsync(topic, from: 0, count: BeforePerPartition);
        var probe = SinkProbe.For(topic);
        await using var worker = WorkerHarness.Start(kafka);

        await worker.CreateAsync(("name", topic), ("connector.class", nameof(ObservedSinkConnector)), ("topics", topic), ("tasks.max", "2"));

        // Settled: each task holds some partitions, none held by both, all held.
        Dictionary<int, SortedSet<int>> settled = new();
        try
        {
            await Eventually.AssertAsync(() =>
            {
                settled = probe.OpenPartitions();
                return settled.Count == 2 && settled.Values.All(s => s.Count > 0) &&
                       settled[0].Intersect(settled[1]).Count() == 0 &&
                       settled[0].Union(settled[1]).ToHashSet().SetEquals(Enumerable.Range(0, Partitions));
            }, TimeSpan.FromSeconds(90), "the two tasks' open partitions settle into a split of the topic");
        }
        catch (TimeoutException e)
        {
            var status = await worker.Worker.StatusAsync(topic);
            throw new Xunit.Sdk.XunitException($"{e.Message}. Calls: {probe.Describe()}. Delivered: {probe.Delivered.Count}. Status: {WorkerHarness.Describe(status)}");
        }
        Assert.Empty(probe.Violations);

        // More records after the split, then everything must have arrived exactly once, in order per partition.
        await ProduceAsync(topic, from: BeforePerPartition, count: AfterPerPartition);
        const int total = Partitions * (BeforePerPartition + AfterPerPartition);
        await Eventually.AssertAsync(
            () => probe.Delivered.Select(d => (d.Partition, d.Offset)).Distinct().Count() >= total,
            TimeSpan.FromMinutes(2), "every record reaches a task");
        var delivered = probe.Delivered.ToList();
        Assert.Equal(total, delivered.Count);
        for (var p = 0; p < Partitions; p++)
        {
            var partition = p;
            Assert.Equal(
                Enumerable.Range(0, BeforePerPartition + AfterPerPartition).Select(i => Value(partition, i)),
                delivered.Where(d => d.Partition == partition).Select(d => d.Value));
        }

        // Records after the split went to the task holding their partition (put() of a partition not open is a violation).
        Assert.All(delivered.Where(d => d.Offset >= BeforePerPartition),
            d => Assert.Contains(d.Partition, settled[d.Task]));
        Assert.Equal(settled.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), probe.OpenPartitions().ToDictionary(kv => kv.Key, kv => kv.Value.ToList()));
        Assert.Empty(probe.Violations);

        var beforeDelete = probe.Events.Count;
        await worker.Worker.DeleteConnectorAsync(topic);

        // Each task closed the partitions it held; nothing is left open anywhere.
        var onDelete = probe.Events.Skip(beforeDelete).ToList();
        foreach (var (task, partitions) in settled)
        {
            var closed = onDelete.Where(e => e.Task == task && e.Call == SinkCall.Close).SelectMany(e => e.Partitions).ToHashSet();
            Assert.True(closed.IsSupersetOf(partitions), $"task {task} held [{string.Join(",", partitions)}] but closed [{string.Join(",", closed)}]: {probe.Describe()}");
        }

        Assert.All(probe.OpenPartitions(), kv => Assert.True(kv.Value.Count == 0, $"task {kv.Key} still holds [{string.Join(",", kv.Value)}]: {probe.Describe()}"));
        Assert.Empty(probe.Violations);
        Assert.Equal(total, probe.Delivered.Count);
    }

    [Fact]
    public async Task Deleting_a_sink_connector_closes_each_tasks_partitions_before_stopping_the_task()
    {
        var topic = KafkaFixture.UniqueName("close-then-stop");
        await kafka.CreateTopicAsync(topic, 2);
        await ProduceAsync(topic, from: 0, count: 10, partitions: 2);
        var probe = SinkProbe.For(topic);
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(("name", topic), ("connector.class", nameof(ObservedSinkConnector)), ("topics", topic), ("tasks.max", "1"));
        await Eventually.AssertAsync(() => probe.Delivered.Count >= 20, TimeSpan.FromSeconds(60), "the records arrive");

        await worker.Worker.DeleteConnectorAsync(topic);

        var calls = probe.Events.ToList();
        var close = calls.FindLastIndex(e => e.Call == SinkCall.Close);
        var stop = calls.FindIndex(e => e.Call == SinkCall.Stop);
        Assert.True(close >= 0 && stop > close, $"close() must come before stop(): {probe.Describe()}");
    }

    [Fact]
    public async Task A_sink_created_paused_puts_nothing_through_a_rebalance_and_everything_once_after_it_is_resumed()
    {
        var topic = KafkaFixture.UniqueName("paused-sink");
        await kafka.CreateTopicAsync(topic, Partitions);
        await ProduceAsync(topic, from: 0, count: AfterPerPartition);
        var probe = SinkProbe.For(topic);
        await using var worker = WorkerHarness.Start(kafka);
        var config = new Dictionary<string, string>
        {
            ["name"] = topic, ["connector.class"] = nameof(ObservedSinkConnector), ["topics"] = topic, ["tasks.max"] = "2",
        };

        await worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.CreateConnector(config, TargetState.Paused));
        await worker.WaitForAsync(topic, s => s.State == ConnectState.Paused && s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Paused));
        await AwaitAsync(probe, () => probe.OpenPartitions().Values.Sum(p => p.Count) == Partitions, "the paused tasks hold every partition");

        // Task 1 restarts: the group rebalances while the connector is paused, and each task opens partitions again,
        // some of them perhaps new to it. A partition given to a paused task must start paused, not be read.
        var opensBefore = probe.Events.Count(e => e.Call == SinkCall.Open);
        await worker.Worker.AskAsync<object>(new WorkerProtocol.RestartTask(topic, 1));
        await AwaitAsync(probe, () => probe.Events.Count(e => e.Call == SinkCall.Open) > opensBefore && probe.OpenPartitions().Values.Sum(p => p.Count) == Partitions,
            "the tasks hold every partition again after the rebalance");
        await worker.WaitForAsync(topic, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Paused));
        Assert.True(probe.Delivered.IsEmpty, $"a paused sink was given records ({Delivered(probe)}): {probe.Describe()}");

        await worker.Worker.SetTargetStateAsync(topic, TargetState.Started);
        const int total = Partitions * AfterPerPartition;
        await AwaitAsync(probe, () => probe.Delivered.Count >= total, "every record arrives once resumed");
        Assert.Equal(total, probe.Delivered.Select(d => (d.Partition, d.Offset)).Distinct().Count());
        Assert.Empty(probe.Violations);
    }

    private static async Task AwaitAsync(SinkProbe probe, Func<bool> condition, string what)
    {
        try
        {
            await Eventually.AssertAsync(condition, TimeSpan.FromSeconds(60), what);
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}; delivered {Delivered(probe)}; calls: {probe.Describe()}");
        }
    }

    private async Task ProduceAsync(string topic, int from, int count, int partitions = Partitions)
    {
        for (var p = 0; p < partitions; p++)
        {
            var partition = p;
            await kafka.ProduceAsync(topic, Enumerable.Range(from, count).Select(i => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes(Value(partition, i)))), partition);
        }
    }

    private static string Delivered(SinkProbe probe) =>
        string.Join(", ", probe.Delivered.GroupBy(d => (d.Task, d.Partition)).OrderBy(g => g.Key).Select(g => $"task {g.Key.Task} partition {g.Key.Partition}: {g.Count()}"));

    private static string Value(int partition, int index) => $"{partition}:{index:D5}";
}
