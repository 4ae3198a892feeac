using Confluent.Kafka;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// A consumer with nothing to do waits for records inside librdkafka: a record or a command ends the wait at once, and
/// nothing is lost or held back once records come.
/// </summary>
[Collection("kafka")]
public sealed class KafkaConsumerIdleTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task A_consumer_that_idled_delivers_the_next_record_and_then_a_burst_in_order()
    {
        var topic = KafkaFixture.UniqueName("consumer-idle");
        await Kafka.CreateTopicAsync(topic, 3);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-idle")) with { IdlePollInterval = TimeSpan.FromMilliseconds(300) };

        var (control, probe) = Consume(settings, topic);
        probe.Request(1000);
        await WaitUntilAsync(() => control.Assignment.Count == 3, "the consumer gets every partition");
        // Lag is measured by the polls: once it is for every partition, polls have found nothing and begun to slow down.
        await WaitUntilAsync(() => control.Lag.Count == 3, "the idle consumer measures its lag");

        await Kafka.ProduceAsync(topic, [((byte[]?)Bytes("k-first"), (byte[]?)Bytes("first"))]);
        Assert.Equal("first", Text(probe.ExpectNext(Patience).Value));

        await Kafka.ProduceAsync(topic, Enumerable.Range(0, 500).Select(i => ((byte[]?)Bytes($"k{i}"), (byte[]?)Bytes($"v{i}"))));
        var burst = probe.ExpectNextN(500, Patience).ToList();
        await control.StopAsync().WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"v{i}").Order(), burst.Select(r => Text(r.Value)).Order());
        foreach (var partition in burst.GroupBy(r => r.Partition))
            Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
    }

    /// <summary>An idle wait far longer than the test's patience: only a record or a command can end it in time.</summary>
    private static readonly TimeSpan LongIdleWait = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_record_ends_an_idle_consumers_wait_at_once()
    {
        var topic = KafkaFixture.UniqueName("consumer-wait");
        await Kafka.CreateTopicAsync(topic, 1);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-wait")) with { IdlePollInterval = LongIdleWait };
        var (control, probe) = Consume(settings, topic);
        probe.Request(10);
        await WaitUntilAsync(() => control.Assignment.Count == 1, "the consumer gets the partition");

        await Kafka.ProduceAsync(topic, [((byte[]?)Bytes("k"), (byte[]?)Bytes("woken"))]);

        Assert.Equal("woken", Text(probe.ExpectNext(Patience).Value));
        await control.StopAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task A_commit_and_a_stop_end_an_idle_consumers_wait_at_once()
    {
        var topic = KafkaFixture.UniqueName("consumer-wake");
        await Kafka.CreateTopicAsync(topic, 1);
        var group = KafkaFixture.UniqueName("group-wake");
        var settings = ConsumerSettings(group) with { IdlePollInterval = LongIdleWait };
        await Kafka.ProduceAsync(topic, [((byte[]?)Bytes("k"), (byte[]?)Bytes("only"))]);
        var (control, probe) = Consume(settings, topic);
        probe.Request(10);
        var record = probe.ExpectNext(Patience);
        // Nothing more comes: the stage is now inside a ten-minute wait for the next record.

        await control.CommitAsync([new TopicPartitionOffset(record.Topic, record.Partition, record.Offset + 1)]).WaitAsync(Patience);
        await control.StopAsync().WaitAsync(Patience);

        Assert.Equal(record.Offset + 1, await Kafka.CommittedAsync(topic, group));
    }

    [Fact]
    public async Task A_cancelled_downstream_stops_a_waiting_consumer_after_its_current_wait()
    {
        var topic = KafkaFixture.UniqueName("consumer-cancel");
        await Kafka.CreateTopicAsync(topic, 1);
        // Not a command: the cancel waits for the current wait to end, then must be next, not behind a run of waits.
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-cancel")) with { IdlePollInterval = TimeSpan.FromMilliseconds(200) };
        var (control, probe) = Consume(settings, topic);
        probe.Request(10);
        await WaitUntilAsync(() => control.Assignment.Count == 1, "the consumer gets the partition");

        probe.Cancel();

        await control.IsShutdown.WaitAsync(Patience);
    }
}
