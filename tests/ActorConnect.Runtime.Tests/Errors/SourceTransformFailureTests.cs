using System.Text;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Tests.InMemory;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>
/// A source connector emitting 10,000 records through a transform that throws on one of them, on an in-memory Kafka:
/// tolerated, 9,999 reach the topic and the failed one goes to the dead-letter queue (beyond Kafka Connect) with its
/// source partition and offset; not tolerated, the task fails naming the transform and the record, and the offsets
/// of the records before it are stored, so a restart resumes at the failed record and writes nothing twice.
/// </summary>
public sealed class SourceTransformFailureTests(InMemoryKafka kafka) : IClassFixture<InMemoryKafka>
{
    private const int Records = 10_000;
    private const int Bad = 4321;

    [Fact]
    public async Task With_tolerance_all_9999_records_reach_the_topic_and_the_failed_one_goes_to_the_dead_letter_queue_with_its_source_offset()
    {
        var topic = KafkaFixture.UniqueName("src-all");
        var dlq = KafkaFixture.UniqueName("src-dlq");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(Config(topic,
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", dlq),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true")));

        await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) >= Records - 1, TimeSpan.FromMinutes(2), "9,999 records written");
        var written = await kafka.ConsumeAllAsync(topic, Records, TimeSpan.FromSeconds(10));
        var values = written.Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToList();
        Assert.Equal(Records - 1, values.Count);
        Assert.Equal(Enumerable.Range(0, Records).Where(i => i != Bad).Select(i => $"0:{i}").Order(), values.Order());

        var letter = Assert.Single(await DeadLetters.ReadAsync(kafka, dlq, 1));
        Assert.Equal($"0:{Bad}", letter.ValueText);
        Assert.Equal($"0:{Bad}", Encoding.UTF8.GetString(letter.Key!));
        Assert.Equal(topic, letter["topic"]);
        Assert.Equal("-1", letter["offset"]);
        Assert.Equal("TRANSFORMATION", letter["stage"]);
        Assert.Equal(typeof(ThrowOnValueTransformation).FullName, letter["class.name"]);
        Assert.Equal(typeof(DataException).FullName, letter["exception.class.name"]);
        Assert.Equal($"test transform refuses value '0:{Bad}'", letter["exception.message"]);
        Assert.Equal("{\"task\":0}", letter["source.partition"]);
        Assert.Equal($"{{\"seq\":{Bad}}}", letter["source.offset"]);

        await Eventually.AssertAsync(() => StoredOffsets.Seq(worker, topic) == Records - 1, TimeSpan.FromSeconds(30), "the last offset is stored");
        var status = await worker.Worker.StatusAsync(topic);
        Assert.True(status.Tasks is [{ State: ConnectState.Running, RestartCount: 0 }], WorkerHarness.Describe(status));
    }

    [Fact]
    public async Task With_tolerance_none_the_task_fails_naming_the_transform_and_the_record_and_resumes_at_it_without_duplicates()
    {
        var topic = KafkaFixture.UniqueName("src-none");
        await using var worker = WorkerHarness.Start(kafka);
        await worker.CreateAsync(Config(topic));

        var status = await worker.WaitForAsync(topic, s => s.Tasks is [{ State: ConnectState.Failed }], TimeSpan.FromMinutes(3));
        var trace = status.Tasks[0].Trace!;
        Assert.StartsWith($"{typeof(DataException).FullName}: test transform refuses value '0:{Bad}'", trace);
        Assert.Contains("Tolerance exceeded in error handler", trace);
        Assert.Contains($"TRANSFORMATION with class '{typeof(ThrowOnValueTransformation).FullName}'", trace);
        Assert.Contains($"from source partition {{\"task\":0}} offset {{\"seq\":{Bad}}}", trace);

        // Every record before the failed one, once each: the offsets stored before failing made every restart resume
        // at the failed record.
        Assert.Equal(Bad - 1, StoredOffsets.Seq(worker, topic));
        Assert.Equal(Bad, await kafka.HighWatermarkAsync(topic));
        var written = await kafka.ConsumeAllAsync(topic, Bad, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, Bad).Select(i => $"0:{i}"), written.Select(r => Encoding.UTF8.GetString(r.Message.Value!)).OrderBy(v => int.Parse(v[2..])));
    }

    private static (string, string)[] Config(string topic, params (string, string)[] extra) =>
    [
        ("name", topic),
        ("connector.class", nameof(SequenceSourceConnector)),
        ("topic", topic),
        ("records", Records.ToString()),
        ("transforms", "boom"),
        ("transforms.boom.type", nameof(ThrowOnValueTransformation)),
        ("transforms.boom.value", $"0:{Bad}"),
        .. extra,
    ];
}
