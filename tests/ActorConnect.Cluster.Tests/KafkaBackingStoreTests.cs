using System.Collections.Concurrent;
using ActorConnect.Cluster.Storage;
using ActorConnect.Kafka;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>Distributed mode's stores on the real broker: what one worker writes, every worker and every restart sees.</summary>
[Collection("kafka")]
public sealed class KafkaBackingStoreTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Offsets_written_by_one_worker_are_read_by_another_and_after_a_restart()
    {
        var topic = KafkaFixture.UniqueName("connect-offsets");
        await kafka.CreateTopicAsync(topic, 3);
        using var a = new KafkaOffsetBackingStore(Settings(topic));
        using var b = new KafkaOffsetBackingStore(Settings(topic));
        await a.StartAsync();
        await b.StartAsync();
        var file = new Dictionary<string, object?> { ["filename"] = "/var/log/app.log" };
        var other = new Dictionary<string, object?> { ["filename"] = "/var/log/other.log" };

        a.Write("src", [KeyValuePair.Create<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>(file, new Dictionary<string, object?> { ["position"] = 10L })]);
        a.Write("src", [KeyValuePair.Create<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>(file, new Dictionary<string, object?> { ["position"] = 42L })]);
        a.Write("src", [KeyValuePair.Create<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>(other, new Dictionary<string, object?> { ["position"] = 7L })]);
        a.Write("src", [KeyValuePair.Create<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>(other, null)]);

        await Eventually.AssertAsync(() => b.Read("src", file)?["position"] is 42L && b.Read("src", other) is null, TimeSpan.FromSeconds(30), "the other worker sees the writes");
        using var restarted = new KafkaOffsetBackingStore(Settings(topic));
        await restarted.StartAsync();
        Assert.Equal(42L, restarted.Read("src", file)!["position"]);
        Assert.Single(restarted.ReadAll("src"));
        Assert.Empty(restarted.ReadAll("another-connector"));
    }

    [Fact]
    public async Task A_worker_reads_its_own_latest_offset_at_once_and_never_an_older_one_while_its_reader_catches_up()
    {
        var topic = KafkaFixture.UniqueName("connect-offsets");
        await kafka.CreateTopicAsync(topic, 3);
        using var store = new KafkaOffsetBackingStore(Settings(topic));
        await store.StartAsync();
        var file = new Dictionary<string, object?> { ["filename"] = "/var/log/app.log" };
        const long last = 300;

        // What a task restarted on this node would read at any moment: it must never go back.
        var backwards = new ConcurrentQueue<(long Seen, long Before)>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(() =>
        {
            var before = -1L;
            while (!stop.IsCancellationRequested)
            {
                if (store.Read("src", file)?["position"] is long seen)
                {
                    if (seen < before)
                    {
                        backwards.Enqueue((seen, before));
                    }

                    before = Math.Max(before, seen);
                }
            }
        });

        for (var position = 1L; position <= last; position++)
        {
            store.Write("src", [KeyValuePair.Create<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>?>(file, new Dictionary<string, object?> { ["position"] = position })]);
            Assert.Equal(position, store.Read("src", file)!["position"]);
        }

        // Once the reader has read its own records back, the value is still the last one written.
        await store.ReadToEndAsync();
        stop.Cancel();
        await watcher;
        Assert.Equal(last, store.Read("src", file)!["position"]);
        Assert.True(backwards.IsEmpty, "the store went back to older offsets: " + string.Join(", ", backwards.Take(10).Select(b => $"{b.Seen} after {b.Before}")));
    }

    [Fact]
    public async Task Configs_target_states_and_task_configs_reach_every_worker_in_order()
    {
        var topic = KafkaFixture.UniqueName("connect-configs");
        await kafka.CreateTopicAsync(topic, 1);
        using var a = new KafkaConfigBackingStore(Settings(topic));
        using var b = new KafkaConfigBackingStore(Settings(topic));
        var changed = new ConcurrentQueue<string>();
        b.Changed += changed.Enqueue;
        await a.StartAsync();
        await b.StartAsync();

        var config = new Dictionary<string, string> { ["name"] = "jdbc", ["connector.class"] = "FileStreamSource", ["topic"] = "t" };
        a.Put(new StoredConnector("jdbc", config, TargetState.Started));
        a.Put(new StoredConnector("jdbc", config, TargetState.Stopped));
        a.PutTaskConfigs("jdbc", [new Dictionary<string, string> { ["task"] = "0" }, new Dictionary<string, string> { ["task"] = "1" }]);
        a.Put(new StoredConnector("gone", config, TargetState.Paused));
        a.Remove("gone");

        await b.ReadToEndAsync();
        var stored = Assert.Single(b.ReadAll());
        Assert.Equal("jdbc", stored.Name);
        Assert.Equal(TargetState.Stopped, stored.TargetState);
        Assert.Equal(config, stored.Config);
        Assert.Equal(new[] { "0", "1" }, b.TaskConfigs("jdbc").Select(c => c["task"]));
        Assert.Contains("gone", changed);

        using var restarted = new KafkaConfigBackingStore(Settings(topic));
        await restarted.StartAsync();
        Assert.Equal(TargetState.Stopped, Assert.Single(restarted.ReadAll()).TargetState);
        Assert.Equal(2, restarted.TaskConfigs("jdbc").Count);
    }

    [Fact]
    public async Task Statuses_are_the_same_on_every_worker_and_a_zombie_cannot_overwrite_a_newer_one()
    {
        var topic = KafkaFixture.UniqueName("connect-status");
        await kafka.CreateTopicAsync(topic, 2);
        using var a = new KafkaStatusBackingStore(Settings(topic));
        using var b = new KafkaStatusBackingStore(Settings(topic));
        await a.StartAsync();
        await b.StartAsync();

        await a.PutAsync(new StatusRecord("c", null, Runtime.Model.ConnectState.Running, "w1:8083", 1));
        await a.PutAsync(new StatusRecord("c", 0, Runtime.Model.ConnectState.Running, "w1:8083", 2));
        await a.PutAsync(new StatusRecord("c", 1, Runtime.Model.ConnectState.Failed, "w2:8083", 3, "java.lang.Boom: root cause\n...", 4, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)));
        // Task 0 moved to w3 (generation 5); then its old instance on w1 writes late (generation 2).
        await a.PutAsync(new StatusRecord("c", 0, Runtime.Model.ConnectState.Running, "w3:8083", 5));
        await a.PutAsync(new StatusRecord("c", 0, Runtime.Model.ConnectState.Unassigned, "w1:8083", 2));

        await b.ReadToEndAsync();
        Assert.Equal("w1:8083", b.Connector("c")!.WorkerId);
        var tasks = b.Tasks("c");
        Assert.Equal(new[] { 0, 1 }, tasks.Select(t => t.Task!.Value));
        Assert.Equal(("w3:8083", Runtime.Model.ConnectState.Running), (tasks[0].WorkerId, tasks[0].State));
        Assert.Equal(4, tasks[1].RestartCount);
        Assert.StartsWith("java.lang.Boom: root cause", tasks[1].Trace);
        Assert.Equal(1_700_000_000_000, tasks[1].LastFailure!.Value.ToUnixTimeMilliseconds());

        await b.DeleteAsync("c");
        await a.ReadToEndAsync();
        Assert.Null(a.Connector("c"));
        Assert.Empty(a.Tasks("c"));
    }

    private KafkaLogSettings Settings(string topic) =>
        new(kafka.BootstrapServers, topic, 1, 1) { BrokerFeatures = kafka.IsLegacyBroker ? BrokerFeatures.Legacy : BrokerFeatures.Modern };
}
