using System.Text;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// A transform that returns null drops the record, through the whole runtime on an in-memory Kafka; the dropped
/// records' offsets still count, as Kafka Connect counts filtered records: stored for a source, committed for a sink.
/// </summary>
public sealed class DroppedRecordTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    [Fact]
    public async Task A_source_keeps_only_what_a_negated_predicate_spares_and_stores_the_offset_of_the_last_record_dropped()
    {
        var topic = KafkaFixture.UniqueName("drop-src");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(
            ("name", topic), ("connector.class", nameof(SequenceSourceConnector)), ("topic", topic), ("records", "1000"),
            ("transforms", "keepFives"),
            ("transforms.keepFives.type", nameof(DropAllTransformation)),
            ("transforms.keepFives.predicate", "startsWithFive"),
            ("transforms.keepFives.negate", "true"),
            ("predicates", "startsWithFive"),
            ("predicates.startsWithFive.type", nameof(ValueStartsWithPredicate)),
            ("predicates.startsWithFive.prefix", "0:5"));

        var kept = Enumerable.Range(0, 1000).Select(i => $"0:{i}").Where(v => v.StartsWith("0:5", StringComparison.Ordinal)).ToList();
        // Record 999 is dropped: its offset is stored only because dropped records count.
        await Eventually.AssertAsync(
            () => StoredOffsets.Seq(worker, topic) == 999,
            TimeSpan.FromMinutes(1), "the offset of the last, dropped, record is stored");
        Assert.Equal(kept.Count, await kafka.HighWatermarkAsync(topic));
        var written = await kafka.ConsumeAllAsync(topic, kept.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(kept.Order(), written.Select(r => Encoding.UTF8.GetString(r.Message.Value!)).Order());
    }

    [Fact]
    public async Task A_sink_never_sees_the_records_a_transform_drops_and_commits_past_them()
    {
        var topic = KafkaFixture.UniqueName("drop-sink");
        var values = Enumerable.Range(0, 100).Select(i => i % 10 == 9 ? $"drop-{i}" : $"keep-{i}").ToList();
        await kafka.CreateTopicAsync(topic, 1);
        await kafka.ProduceAsync(topic, values.Select(v => ((byte[]?)null, (byte[]?)Encoding.UTF8.GetBytes(v))), 0);
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(
            ("name", topic), ("connector.class", nameof(CollectingSinkConnector)), ("topics", topic),
            ("transforms", "drop"),
            ("transforms.drop.type", nameof(DropAllTransformation)),
            ("transforms.drop.predicate", "isDrop"),
            ("predicates", "isDrop"),
            ("predicates.isDrop.type", nameof(ValueStartsWithPredicate)),
            ("predicates.isDrop.prefix", "drop"));

        // The last record is dropped: the committed offset reaches the end only because dropped records count.
        await Eventually.AssertAsync(() => DeadLetters.Committed(kafka, $"connect-{topic}", topic, 1)[0] == values.Count,
            TimeSpan.FromMinutes(1), "the committed offset passes the dropped records");
        Assert.Equal(values.Where(v => v.StartsWith("keep", StringComparison.Ordinal)), SinkCollector.For(topic).Records.Select(r => r.Value));
    }
}
