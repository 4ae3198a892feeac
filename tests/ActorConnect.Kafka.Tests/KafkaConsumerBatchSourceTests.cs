using ActorConnect.TestSupport;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorConnect.Kafka.Tests;

[Collection("kafka")]
public sealed class KafkaConsumerBatchSourceTests(KafkaFixture kafka, ITestOutputHelper output) : KafkaStreamTestBase(kafka, output)
{
    [Fact]
    public async Task Every_record_arrives_once_in_non_empty_batches_of_at_most_the_maximum_each_partition_in_order()
    {
        const int total = 3000, maxBatch = 64, maxBuffered = 200;
        var topic = await CreateTopicWithRecordsAsync("consumer-batches", total);
        var settings = ConsumerSettings(KafkaFixture.UniqueName("group-batches")).WithMaxBufferedRecords(maxBuffered);

        var (control, probe) = KafkaConsumerBatchSource.Create(settings, Subscription.ForTopics(topic), null, maxBatch)
            .ToMaterialized(this.SinkProbe<IReadOnlyList<ConsumedRecord>>(), Keep.Both)
            .Run(Materializer);
        var batches = new List<IReadOnlyList<ConsumedRecord>>();
        probe.Request(long.MaxValue);
        while (batches.Sum(b => b.Count) < total)
        {
            batches.Add(await probe.ExpectNextAsync(Patience));
        }

        await control.StopAsync().WaitAsync(Patience);
        probe.Cancel();

        Assert.All(batches, b => Assert.InRange(b.Count, 1, maxBatch));
        var records = batches.SelectMany(b => b).ToList();
        Assert.Equal(total, records.Count);
        Assert.Equal(total, records.Select(r => Text(r.Value)).Distinct().Count());
        Assert.All(records.GroupBy(r => r.Partition), g => Assert.Equal(g.Select(r => r.Offset).Order(), g.Select(r => r.Offset)));
        Assert.InRange(control.PeakBufferedCount, 1, maxBuffered);
    }
}
