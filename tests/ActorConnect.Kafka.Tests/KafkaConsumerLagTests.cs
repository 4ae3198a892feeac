using ActorConnect.TestSupport;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

/// <summary><see cref="IConsumerControl.Lag"/>: high watermark minus where the consumer reads next, per assigned partition.</summary>
[Collection("kafka")]
public sealed class KafkaConsumerLagTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task Lag_counts_what_is_left_to_read_and_reaches_zero_at_the_end()
    {
        var (partition, control, probe) = await ConsumeNewTopicAsync("lag-read", 50, settings => settings.WithMaxBufferedRecords(1));
        probe.Request(10);
        probe.ExpectNextN(10, Patience);
        // Ten taken; some more may wait in the stage's buffer and past the async boundary; the rest is lag.
        await WaitUntilAsync(() => control.Lag.TryGetValue(partition, out var lag) && lag is > 0 and <= 40, "lag of the unread records");

        probe.Request(40);
        probe.ExpectNextN(40, Patience);
        await LagReachesAsync(control, partition, 0, "lag 0 at the end");
        await control.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_partition_assigned_with_nothing_left_to_read_shows_lag_zero_not_nothing()
    {
        // librdkafka knows no position until a record arrives: the lag must come from the committed offset instead.
        var topic = await CreateTopicWithRecordsAsync("lag-end", 30, partitions: 1);
        var partition = new TopicPartition(topic, 0);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-lag-end"));

        var (first, probe1) = Consume(settings, topic);
        probe1.Request(30);
        var records = probe1.ExpectNextN(30, Patience).ToList();
        await first.CommitAsync([records[^1].NextOffset]).WaitAsync(Patience);
        await first.StopAsync().WaitAsync(Patience);
        probe1.Cancel();

        var (second, probe2) = Consume(settings, topic);
        probe2.Request(1);
        await LagReachesAsync(second, partition, 0, "lag 0 for the reassigned partition");
        await second.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_partition_that_never_held_a_record_shows_lag_zero()
    {
        // The producer's partitioner may leave a partition empty: no record ever gives it a position, nor a commit.
        var topic = KafkaFixture.UniqueName("lag-empty");
        await Kafka.CreateTopicAsync(topic, partitions: 2);
        await ProduceToPartitionZeroAsync(topic, 0, 20);
        var empty = new TopicPartition(topic, 1);

        var (control, probe) = Consume(ConsumerSettings(KafkaFixture.UniqueName("group-lag-empty")), topic);
        probe.Request(20);
        probe.ExpectNextN(20, Patience);
        await LagReachesAsync(control, empty, 0, "lag 0 for the empty partition");
        await control.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_paused_partitions_lag_grows_with_its_topic()
    {
        // librdkafka fetches nothing for a paused partition, so only the broker knows how far the topic has grown.
        var (partition, control, probe) = await ConsumeNewTopicAsync("lag-paused", 20);
        probe.Request(20);
        probe.ExpectNextN(20, Patience);
        await LagReachesAsync(control, partition, 0, "lag 0 at the end");
        control.Pause([partition]);
        await ProduceToPartitionZeroAsync(partition.Topic, 20, 30);

        await LagReachesAsync(control, partition, 30, "lag 30 while paused");
        // A fetch sent before the pause may have brought those 30 back; none is sent after it, so these 20 only the
        // broker can tell of.
        await ProduceToPartitionZeroAsync(partition.Topic, 50, 20);
        await LagReachesAsync(control, partition, 50, "lag 50 while paused");

        control.Resume([partition]);
        probe.Request(50);
        probe.ExpectNextN(50, Patience);
        await LagReachesAsync(control, partition, 0, "lag 0 once resumed and read");
        await control.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_partition_paused_before_its_first_fetch_shows_its_whole_backlog()
    {
        // No position, no commit, no fetch: the broker's watermarks and auto.offset.reset=earliest give the lag.
        var (partition, control, probe) = await ConsumeNewTopicAsync("lag-held", 30);
        control.Pause([partition]); // queued before the stage started: applied at the first assignment
        probe.Request(1);

        await LagReachesAsync(control, partition, 30, "lag 30 before anything was read");
        await control.StopAsync().WaitAsync(Patience);
    }

    /// <summary>A new one-partition topic holding <paramref name="records"/> records, consumed by a new group.</summary>
    private async Task<(TopicPartition Partition, IConsumerControl Control, TestSubscriber.Probe<ConsumedRecord> Probe)> ConsumeNewTopicAsync(
        string name, int records, Func<ConsumerSettings, ConsumerSettings>? configure = null)
    {
        var topic = await CreateTopicWithRecordsAsync(name, records, partitions: 1);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-" + name));
        var (control, probe) = Consume(configure?.Invoke(settings) ?? settings, topic);
        return (new TopicPartition(topic, 0), control, probe);
    }

    /// <summary>Appends records "v{first}".."v{first+count-1}" to partition 0 of <paramref name="topic"/>.</summary>
    private Task ProduceToPartitionZeroAsync(string topic, int first, int count) =>
        Kafka.ProduceAsync(topic, Enumerable.Range(first, count).Select(i => ((byte[]?)null, (byte[]?)Bytes($"v{i}"))), partition: 0);

    private Task LagReachesAsync(IConsumerControl control, TopicPartition partition, long expected, string because) =>
        WaitUntilAsync(() => control.Lag.TryGetValue(partition, out var lag) && lag == expected, because);
}
