using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

/// <summary>A consumer whose polling slowed down while nothing flowed loses and holds back nothing once records come.</summary>
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
}
