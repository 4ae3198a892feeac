using ActorConnect.TestSupport;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

[Collection("kafka")]
public sealed class KafkaConsumerSourceTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task A_restarted_consumer_resumes_exactly_at_the_committed_offsets()
    {
        const int total = 3000, firstRun = 1200;
        var topic = await CreateTopicWithRecordsAsync("consumer-resume", total);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-resume"));
        var listener = new RecordingListener();

        var (control1, probe1) = Consume(settings, topic, listener);
        probe1.Request(firstRun);
        var first = probe1.ExpectNextN(firstRun, Patience).ToList();
        var commit = first.GroupBy(r => r.TopicPartition).Select(g => g.MaxBy(r => r.Offset)!.NextOffset).ToList();
        await control1.CommitAsync(commit).WaitAsync(Patience);
        await control1.StopAsync().WaitAsync(Patience);
        probe1.Cancel();

        Assert.Contains(ConsumerDispatcher, listener.ThreadName ?? "<no name>");
        Assert.Equal(
            commit.Select(o => (o.Partition.Value, o.Offset.Value)).Order(),
            Committed(settings.GroupId, topic).Where(o => o.Offset != Offset.Unset).Select(o => (o.Partition.Value, o.Offset.Value)));

        var (control2, probe2) = Consume(settings, topic);
        probe2.Request(total - firstRun);
        var second = probe2.ExpectNextN(total - firstRun, Patience).ToList();
        await control2.StopAsync().WaitAsync(Patience);

        foreach (var partition in second.GroupBy(r => r.Partition))
        {
            var committed = commit.FirstOrDefault(c => c.Partition.Value == partition.Key)?.Offset.Value ?? 0;
            Assert.Equal(committed, partition.First().Offset);
        }
        var values = first.Concat(second).Select(r => Text(r.Value)).ToList();
        Assert.Equal(total, values.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"v{i}").Order(), values.Order());
        Assert.All(first.Concat(second), r => Assert.Equal("k" + Text(r.Value)[1..], Text(r.Key)));
        if (Kafka.IsLegacyBroker)
            Assert.All(second, r => Assert.Null(r.Timestamp));
    }

    [Fact]
    public async Task A_stalled_downstream_keeps_the_buffer_bounded_and_the_member_in_its_group()
    {
        const int total = 2000, maxBuffered = 100, maxPollIntervalMs = 6000;
        var topic = await CreateTopicWithRecordsAsync("consumer-stall", total);
        var stats = new GroupStatsWatcher();
        var listener = new RecordingListener();
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-stall"))
            .WithMaxBufferedRecords(maxBuffered)
            .WithStatisticsHandler(stats.OnStatistics, TimeSpan.FromMilliseconds(500));

        var maxPollExceeded = WatchWarnings("MAXPOLL"); // librdkafka's own verdict; fails the waits below early
        var (control, probe) = Consume(settings, topic, listener);
        probe.Request(10);
        var records = probe.ExpectNextN(10, Patience).ToList();

        // Downstream now stalls: the stage fills its buffer, pauses, and must keep polling.
        await WaitUntilAsync(() => control.BufferedCount == maxBuffered, "the stage fills its buffer");
        var reportsBefore = stats.Count;
        await WaitUntilAsync(() => stats.Count > reportsBefore || maxPollExceeded.IsSet, "a statistics report after the stall began");
        Assert.False(maxPollExceeded.IsSet, "librdkafka reported that max.poll.interval.ms was exceeded");
        var atStall = stats.Latest!;
        // The member's own clock: no rebalance for more than twice max.poll.interval.ms while nothing was requested.
        await WaitUntilAsync(() =>
            maxPollExceeded.IsSet || stats.Latest!.RebalanceCount != atStall.RebalanceCount ||
            stats.Latest.RebalanceAgeMs >= atStall.RebalanceAgeMs + 2 * maxPollIntervalMs,
            "two max.poll.interval.ms without a rebalance, or a rebalance");

        Assert.False(maxPollExceeded.IsSet, "librdkafka reported that max.poll.interval.ms was exceeded");
        var stalled = stats.Latest!;
        Assert.Equal(atStall.RebalanceCount, stalled.RebalanceCount);
        Assert.Equal("steady", stalled.JoinState);
        Assert.Equal(3, stalled.AssignmentSize);
        Assert.Equal(0, listener.RevokeCount);
        Assert.Equal(0, listener.LostCount);
        Assert.Equal(3, control.Assignment.Count);
        Assert.Equal(maxBuffered, control.BufferedCount);
        Assert.True(control.PeakBufferedCount <= maxBuffered, $"peak {control.PeakBufferedCount}");

        // Draining pauses and resumes the partitions many times: nothing may be lost or read twice.
        probe.Request(total - 10);
        records.AddRange(probe.ExpectNextN(total - 10, Patience));
        await control.StopAsync().WaitAsync(Patience);

        Assert.Equal(total, records.Select(r => Text(r.Value)).Distinct().Count());
        Assert.True(control.PeakBufferedCount <= maxBuffered, $"peak {control.PeakBufferedCount}");
        Assert.Equal(0, listener.LostCount);
    }

    [Fact]
    public async Task Seek_rewinds_a_partition_drops_what_was_buffered_for_it_and_marks_what_was_on_its_way_stale()
    {
        var topic = await CreateTopicWithRecordsAsync("consumer-seek", 200, partitions: 1);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-seek"));

        var (control, probe) = Consume(settings, topic);
        probe.Request(50);
        var first = probe.ExpectNextN(50, Patience).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), first.Select(r => r.Offset));

        control.Seek(new TopicPartitionOffset(topic, 0, 10));
        // Records already past the async boundary still arrive in order; after them the partition starts again at 10.
        probe.Request(200);
        var next = probe.ExpectNext(Patience);
        while (next.Offset != 10)
        {
            Assert.Equal(first.Count, next.Offset);
            first.Add(next);
            next = probe.ExpectNext(Patience);
        }
        var rewound = new List<ConsumedRecord> { next };
        rewound.AddRange(probe.ExpectNextN(189, Patience));
        await control.StopAsync().WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(10, 190).Select(i => (long)i), rewound.Select(r => r.Offset));
        // What was read before the seek is stale from the seek on (a receiver drops it); the new position's records are
        // not, although their offsets are below the ones delivered before.
        Assert.All(first, r => Assert.True(control.IsStale(r), $"offset {r.Offset} read before the seek is not stale"));
        Assert.All(rewound, r => Assert.False(control.IsStale(r), $"offset {r.Offset} read after the seek is stale"));
        Assert.Equal(2, control.PositionEpoch(new TopicPartition(topic, 0))); // the assignment, then the seek
    }

    [Fact]
    public Task User_pauses_hold_a_partition_back_until_resumed() =>
        // Queued before the stage even started: applied at the first assignment.
        HoldsPartitionOneBackUntilResumed("consumer-pause", listener: null, (control, partition1) => control.Pause([partition1]));

    [Fact]
    public Task A_partition_the_assignment_answer_starts_paused_is_not_read_until_resumed() =>
        HoldsPartitionOneBackUntilResumed("consumer-assign-pause", new RecordingListener(), (_, _) => { });

    /// <summary>
    /// Partition 1 of a two-partition topic is paused (by <paramref name="pause"/>, or by the listener's answer to the
    /// assignment when one is given): only partition 0's records come until it is resumed, then partition 1's, all of them.
    /// </summary>
    private async Task HoldsPartitionOneBackUntilResumed(string name, RecordingListener? listener, Action<IConsumerControl, TopicPartition> pause)
    {
        var topic = KafkaFixture.UniqueName(name);
        await Kafka.CreateTopicAsync(topic, partitions: 2);
        await Kafka.ProduceAsync(topic, Enumerable.Range(0, 100).Select(i => ((byte[]?)null, (byte[]?)Bytes($"a{i}"))), partition: 0);
        await Kafka.ProduceAsync(topic, Enumerable.Range(0, 100).Select(i => ((byte[]?)null, (byte[]?)Bytes($"b{i}"))), partition: 1);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-" + name));
        var partition1 = new TopicPartition(topic, 1);
        if (listener is not null)
        {
            listener.PausedOnAssign = [partition1];
        }

        var (control, probe) = listener is null ? Consume(settings, topic) : Consume(settings, topic, listener);
        pause(control, partition1);

        probe.Request(100);
        var fromZero = probe.ExpectNextN(100, Patience).ToList();
        Assert.All(fromZero, r => Assert.Equal(0, r.Partition));

        control.Resume([partition1]);
        probe.Request(100);
        var fromOne = probe.ExpectNextN(100, Patience).ToList();
        await control.StopAsync().WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"b{i}"), fromOne.Select(r => Text(r.Value)));
    }

    [Fact]
    public async Task An_unreachable_broker_is_reported_as_last_error_without_failing_the_stream()
    {
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-down")).WithBootstrapServers($"127.0.0.1:{ClosedPort()}");

        var (control, probe) = KafkaConsumerSource.Create(settings, Subscription.ForTopics("nowhere"))
            .ToMaterialized(this.SinkProbe<ConsumedRecord>(), Keep.Both)
            .Run(Materializer);
        probe.Request(1);
        await WaitUntilAsync(() => control.LastError is not null, "librdkafka reports the broker as down");

        Assert.False(control.IsShutdown.IsCompleted);
        Assert.True(control.LastError!.IsLocalError);
        Assert.False(control.LastError.IsFatal);
        await control.StopAsync().WaitAsync(Patience);
        probe.ExpectComplete();
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private List<TopicPartitionOffset> Committed(string groupId, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.Apply(new ConsumerConfig { GroupId = groupId })).Build();
        var partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p));
        return consumer.Committed(partitions, Patience).OrderBy(o => o.Partition.Value).ToList();
    }
}
